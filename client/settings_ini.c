/* The agent's INI file ([agent] section) through libinih. Linux only: on Windows the same
 * settings come from Group Policy in the registry. */
#include <ini.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "settings.h"

struct load_ctx {
    struct whb_agent_config *cfg;
    char why[256];
};

static int on_ini(void *user, const char *section, const char *key, const char *value)
{
    struct load_ctx *ctx = user;
    const struct whb_setting *s = whb_setting_find(key);
    if (strcmp(section, "agent") != 0 || !s) {
        snprintf(ctx->why, sizeof(ctx->why), "unknown setting [%s] %s", section, key);
        return 0;
    }
    return whb_setting_set(ctx->cfg, s, value, ctx->why, sizeof(ctx->why)) == 0;
}

int whb_settings_load(struct whb_agent_config *cfg, const char *path, char *why, size_t whylen)
{
    struct load_ctx ctx = {cfg, ""};
    int line = ini_parse(path, on_ini, &ctx);
    if (line == -1) {
        snprintf(why, whylen, "%s: cannot open", path);
        return WHB_EIO;
    }
    if (line) {
        snprintf(why, whylen, "%s:%d: %s", path, line, ctx.why[0] ? ctx.why : "syntax error");
        return WHB_EINVAL;
    }
    return 0;
}
