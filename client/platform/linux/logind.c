/* Power notifications from systemd-logind over sd-bus: PrepareForSleep(true) and
 * PrepareForShutdown(true) arrive while our delay inhibitor holds the transition, so the last
 * gasp can go out first. logind does not say whether a sleep is a suspend or a hibernation;
 * the job systemd queued does (hibernate.target, hybrid-sleep.target...), so we ask it. */
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>
#include <fcntl.h>
#include <unistd.h>

#include "error.h"
#include "linux.h"
#include "log.h"

struct whb_logind {
    sd_bus *bus;
    int inhibit_fd;
    struct whb_os_event *evs;
    int max, n;
};

static void take_inhibitor(struct whb_logind *l)
{
    sd_bus_message *reply = NULL;
    sd_bus_error err = SD_BUS_ERROR_NULL;
    int fd;
    if (l->inhibit_fd >= 0)
        return;
    if (sd_bus_call_method(l->bus, "org.freedesktop.login1", "/org/freedesktop/login1",
                           "org.freedesktop.login1.Manager", "Inhibit", &err, &reply, "ssss",
                           "sleep:shutdown", "whb-agent", "Sending the last report", "delay") < 0 ||
        sd_bus_message_read(reply, "h", &fd) < 0) {
        whb_log_warnx("logind: no delay inhibitor: %s", err.message ? err.message : "?");
    } else {
        l->inhibit_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    }
    sd_bus_error_free(&err);
    sd_bus_message_unref(reply);
}

/* Whether the sleep systemd is about to do is a hibernation. */
static int hibernating(struct whb_logind *l)
{
    sd_bus_message *reply = NULL;
    int hib = 0;
    if (sd_bus_call_method(l->bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                           "org.freedesktop.systemd1.Manager", "ListJobs", NULL, &reply, "") < 0)
        return 0;
    if (sd_bus_message_enter_container(reply, 'a', "(usssoo)") >= 0) {
        uint32_t id;
        const char *unit, *type, *state, *o1, *o2;
        while (sd_bus_message_read(reply, "(usssoo)", &id, &unit, &type, &state, &o1, &o2) > 0)
            if (strstr(unit, "hibernate") || strstr(unit, "hybrid-sleep"))
                hib = 1;
    }
    sd_bus_message_unref(reply);
    return hib;
}

static int on_signal(sd_bus_message *m, void *arg, sd_bus_error *err)
{
    struct whb_logind *l = arg;
    int start = 0;
    (void)err;
    if (l->n >= l->max || sd_bus_message_read(m, "b", &start) < 0)
        return 0;
    struct whb_os_event *ev = &l->evs[l->n++];
    memset(ev, 0, sizeof(*ev));
    if (sd_bus_message_is_signal(m, NULL, "PrepareForShutdown"))
        ev->kind = start ? WHB_OS_SHUTDOWN : WHB_OS_RESUME;
    else if (start)
        ev->kind = hibernating(l) ? WHB_OS_HIBERNATE : WHB_OS_SUSPEND;
    else {
        ev->kind = WHB_OS_RESUME;
        take_inhibitor(l);
    }
    return 0;
}

int whb_logind_open(struct whb_logind **out)
{
    struct whb_logind *l = calloc(1, sizeof(*l));
    if (!l)
        return WHB_ENOMEM;
    l->inhibit_fd = -1;
    if (sd_bus_open_system(&l->bus) < 0)
        goto fail;
    if (sd_bus_match_signal(l->bus, NULL, "org.freedesktop.login1", "/org/freedesktop/login1",
                            "org.freedesktop.login1.Manager", "PrepareForSleep", on_signal,
                            l) < 0 ||
        sd_bus_match_signal(l->bus, NULL, "org.freedesktop.login1", "/org/freedesktop/login1",
                            "org.freedesktop.login1.Manager", "PrepareForShutdown", on_signal,
                            l) < 0)
        goto fail;
    take_inhibitor(l);
    *out = l;
    return 0;
fail:
    whb_logind_close(l);
    return WHB_EUNSUPPORTED;
}

void whb_logind_close(struct whb_logind *l)
{
    if (!l)
        return;
    if (l->inhibit_fd >= 0)
        close(l->inhibit_fd);
    sd_bus_flush_close_unref(l->bus);
    free(l);
}

int whb_logind_fd(struct whb_logind *l)
{
    return sd_bus_get_fd(l->bus);
}

int whb_logind_read(struct whb_logind *l, struct whb_os_event *evs, int max)
{
    l->evs = evs;
    l->max = max;
    l->n = 0;
    for (int i = 0; i < 64 && sd_bus_process(l->bus, NULL) > 0; i++)
        ;
    return l->n;
}

void whb_logind_release(struct whb_logind *l)
{
    if (l->inhibit_fd >= 0) {
        close(l->inhibit_fd);
        l->inhibit_fd = -1;
    }
}
