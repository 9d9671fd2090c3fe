/* whb-accuracy: generates timelines with ground truth, runs them through simulated agents, the
 * collector's real ingest and the real explanation engine, and scores the answers.
 *   whb-accuracy [--seed S] [--timelines N] [--only N] [--verbose] [--quick] [--examples K]
 *                [--class
 * all|existing|restart|incidents|after|coincidence|switch|late_enrolled|moved|laptops|overlap|docks|clocks|chains|repeats|away|lossy|collside|reimaged]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acc.h"
#include "log.h"

#define QUICK_SEED     20261125
#define QUICK_EACH     5 /* --quick: five timelines of each scenario */
#define QUICK_SWITCH   2 /* but two of each of class switch's */
#define QUICK_COLLSIDE 3 /* and three of class collside's (fleets of up to 48 for hours) */

static int usage(void)
{
    fprintf(stderr, "usage: whb-accuracy [--seed S] [--timelines N] [--only INDEX] [--verbose] "
                    "[--quick] [--examples K] [--class all|existing|restart|incidents|after|"
                    "coincidence|switch|late_enrolled|moved|laptops|overlap|docks|clocks|chains|"
                    "repeats|away|lossy|collside|reimaged]\n");
    return 2;
}

static int number(const char *s, unsigned long long *out)
{
    char *end;
    if (!s || !*s)
        return -1;
    *out = strtoull(s, &end, 10);
    return *end ? -1 : 0;
}

int main(int argc, char **argv)
{
    unsigned long long seed = 1, n = 1000, only = 0, examples = 3, v;
    int has_only = 0, verbose = 0, quick = 0, cls = CLASS_ALL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--verbose") == 0)
            verbose = 1;
        else if (strcmp(a, "--quick") == 0)
            quick = 1;
        else if (strcmp(a, "--seed") == 0 && number(next, &v) == 0)
            seed = v, i++;
        else if (strcmp(a, "--timelines") == 0 && number(next, &v) == 0 && v > 0)
            n = v, i++;
        else if (strcmp(a, "--only") == 0 && number(next, &v) == 0)
            only = v, has_only = 1, i++;
        else if (strcmp(a, "--examples") == 0 && number(next, &v) == 0)
            examples = v, i++;
        else if (strcmp(a, "--class") == 0 && next && acc_class_by_name(next) >= 0)
            cls = acc_class_by_name(next), i++;
        else
            return usage();
    }
    if (quick) {
        seed = QUICK_SEED;
        n = QUICK_EACH * acc_class_scenarios((enum acc_class)cls);
    }
    /* The store logs its schema migration for every timeline's fresh database. */
    whb_log_init("whb-accuracy", 0, WHB_LOG_WARN);
    struct acc_score *s = acc_score_new();
    struct acc_timeline *tl = malloc(sizeof(*tl));
    if (!s || !tl) {
        fprintf(stderr, "whb-accuracy: out of memory\n");
        return 1;
    }
    unsigned long long from = has_only ? only : 0, to = has_only ? only + 1 : n;
    for (unsigned long long i = from; i < to; i++) {
        acc_scenario_make(seed, (unsigned)i, (enum acc_class)cls, tl);
        /* --quick of every class: the switch's scenarios (and reimaged's) twice each, not five
         * times, so that the CI run takes about as long as before they existed. */
        if (quick && cls == CLASS_ALL && (tl->cls == CLASS_SWITCH || tl->cls == CLASS_REIMAGED) &&
            i / acc_class_scenarios(CLASS_ALL) >= QUICK_SWITCH)
            continue;
        if (quick && cls == CLASS_ALL && tl->cls == CLASS_COLLSIDE &&
            i / acc_class_scenarios(CLASS_ALL) >= QUICK_COLLSIDE)
            continue;
        if (acc_timeline_run(tl, verbose)) {
            fprintf(stderr, "whb-accuracy: timeline %llu failed to run\n", i);
            free(tl);
            acc_score_free(s);
            return 1;
        }
        acc_score_add(s, tl);
        if (!verbose && !has_only && (i + 1) % 1000 == 0)
            fprintf(stderr, "%llu timelines\n", i + 1);
    }
    printf("\nwhb-accuracy --seed %llu --timelines %llu --class %s%s\n", seed, to - from,
           acc_class_name((enum acc_class)cls), has_only ? " (one timeline)" : "");
    int met = acc_score_print(s, (unsigned)examples);
    free(tl);
    acc_score_free(s);
    return met ? 0 : 1;
}
