#!/bin/bash
# The Group Policy templates against the agent: both files well-formed, every policy value the
# agent reads (`whb-agent --policies`) defined in the ADMX with the same type and bounds, no
# ADMX value the agent ignores, and every string and presentation the ADMX names present in the
# ADML. Usage: test_policy.sh BUILD_DIR
set -u
agent=$(cd "${1:?usage: test_policy.sh BUILD_DIR}" && pwd)/bin/whb-agent
dir=$(cd "$(dirname "$0")/../../installer/windows/policy" && pwd)
admx=$dir/whb.admx
adml=$dir/en-US/whb.adml
. "$(dirname "$0")/../support/shell.sh"
whb_test_init policy
xp() { xmllint --xpath "$2" "$1" 2>/dev/null; }
attrs() { grep -o "$1=\"[^\"]*\"" | sed "s/^$1=\"//; s/\"$//"; }

for f in "$admx" "$adml"; do
    if xmllint --noout "$f" 2>/dev/null; then ok "$(basename "$f") is well-formed"; else bad "$(basename "$f") is not well-formed"; fi
done

policies=$("$agent" --policies) || { bad "whb-agent --policies failed"; exit 1; }
admx_values=$(xp "$admx" '//*[local-name()="elements"]/*/@valueName' | attrs valueName | sort)
agent_values=$(awk '{print $1}' <<<"$policies" | sort)
if [ "$admx_values" = "$agent_values" ]; then
    ok "the ADMX defines exactly the $(wc -l <<<"$agent_values") values the agent reads"
else
    bad "ADMX and agent differ: $(diff <(echo "$admx_values") <(echo "$agent_values") | grep '^[<>]' | tr '\n' ' ')"
fi

while read -r name type a b; do
    kind=$(xp "$admx" "local-name(//*[local-name()='elements']/*[@valueName='$name'])")
    if [ "$type" = REG_DWORD ]; then
        min=$(xp "$admx" "string(//*[@valueName='$name']/@minValue)")
        max=$(xp "$admx" "string(//*[@valueName='$name']/@maxValue)")
        [ "$kind" = decimal ] && [ "$min" = "$a" ] && [ "$max" = "$b" ] &&
            ok "$name: decimal $min..$max" || bad "$name: ADMX $kind $min..$max, agent REG_DWORD $a..$b"
    elif [ "$type" = REG_MULTI_SZ ]; then
        [ "$kind" = multiText ] && ok "$name: multiText (one a line)" || bad "$name: ADMX $kind, agent REG_MULTI_SZ list"
    elif [ -n "${a:-}" ]; then
        items=$(xp "$admx" "//*[@valueName='$name']//*[local-name()='string']/text()" | tr '\n' '|' | sed 's/|$//')
        [ "$kind" = enum ] && [ "$items" = "$a" ] &&
            ok "$name: choices $items" || bad "$name: ADMX $kind '$items', agent choices '$a'"
    else
        [ "$kind" = text ] && ok "$name: text" || bad "$name: ADMX $kind, agent REG_SZ text"
    fi
done <<<"$policies"

keys=$(xp "$admx" '//*[local-name()="policy"]/@key' | attrs key | sort -u)
[ "$keys" = 'SOFTWARE\Policies\whb\Agent' ] && ok "every policy under HKLM\\$keys" || bad "policy keys: $keys"

strings=$(grep -o '\$(string\.[A-Za-z_]*)' "$admx" | sed 's/^\$(string\.//; s/)$//' | sort -u)
defined=$(xp "$adml" '//*[local-name()="stringTable"]/*/@id' | attrs id | sort -u)
missing=$(comm -23 <(echo "$strings") <(echo "$defined"))
[ -z "$missing" ] && ok "ADML has all $(wc -l <<<"$strings") strings the ADMX names" || bad "ADML lacks strings: $missing"
unused=$(comm -13 <(echo "$strings") <(echo "$defined"))
[ -z "$unused" ] && ok "ADML has no unused string" || bad "unused ADML strings: $unused"

pres=$(grep -o '\$(presentation\.[A-Za-z_]*)' "$admx" | sed 's/^\$(presentation\.//; s/)$//' | sort -u)
pdef=$(xp "$adml" '//*[local-name()="presentationTable"]/*/@id' | attrs id | sort -u)
[ "$pres" = "$pdef" ] && ok "presentations match" || bad "presentations differ: $(comm -3 <(echo "$pres") <(echo "$pdef") | tr '\n' ' ')"
refs=$(xp "$adml" '//*[local-name()="presentationTable"]//@refId' | attrs refId | sort -u)
ids=$(xp "$admx" '//*[local-name()="elements"]/*/@id' | attrs id | sort -u)
[ "$refs" = "$ids" ] && ok "every presentation control refers to an ADMX element" || bad "refIds differ: $(comm -3 <(echo "$refs") <(echo "$ids") | tr '\n' ' ')"
whb_test_finish
