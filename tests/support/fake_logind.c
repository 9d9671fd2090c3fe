/* A stand-in for systemd-logind (and the one call of systemd's manager the agent makes) on a
 * private D-Bus daemon, for the agent built with logind (WHB_AGENT_LOGIND=ON): it hands out
 * delay inhibitors as logind does (a file descriptor whose close releases it) and emits
 * PrepareForSleep / PrepareForShutdown when told, so that a test sees the real agent take the
 * inhibitor, send its last gasp and only then release it.
 *
 * Usage: fake_logind BUS_ADDRESS COMMAND_FIFO
 * Commands, one a line on the FIFO: sleep, hibernate, resume, shutdown, quit.
 * It prints, one a line on stdout: "ready", "inhibit WHO WHAT MODE" when an inhibitor is
 * taken, "released MS" when the agent closes it (MS: the wall clock in milliseconds, to
 * compare with when the collector received the last gasp), "signal NAME ARG" for each signal
 * sent. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>
#include <time.h>
#include <unistd.h>

static int held_fd = -1;  /* our end of the inhibitor the agent holds */
static int hibernate_job; /* ListJobs names hibernate.target */

static int inhibit(sd_bus_message *m, void *arg, sd_bus_error *err)
{
    const char *what, *who, *why, *mode;
    int p[2];
    (void)arg, (void)err;
    if (sd_bus_message_read(m, "ssss", &what, &who, &why, &mode) < 0 || pipe(p) < 0)
        return -EINVAL;
    if (held_fd >= 0)
        close(held_fd);
    held_fd = p[0];
    printf("inhibit %s %s %s\n", who, what, mode);
    int r = sd_bus_reply_method_return(m, "h", p[1]);
    close(p[1]); /* the message holds its own copy; the agent's is the only one left */
    return r;
}

static int list_jobs(sd_bus_message *m, void *arg, sd_bus_error *err)
{
    sd_bus_message *reply = NULL;
    (void)arg, (void)err;
    int r = sd_bus_message_new_method_return(m, &reply);
    if (r >= 0)
        r = sd_bus_message_open_container(reply, 'a', "(usssoo)");
    if (r >= 0 && hibernate_job)
        r = sd_bus_message_append(reply, "(usssoo)", 7, "hibernate.target", "start", "waiting",
                                  "/org/freedesktop/systemd1/job/7",
                                  "/org/freedesktop/systemd1/unit/hibernate_2etarget");
    if (r >= 0)
        r = sd_bus_message_close_container(reply);
    if (r >= 0)
        r = sd_bus_send(NULL, reply, NULL);
    sd_bus_message_unref(reply);
    return r;
}

static const sd_bus_vtable login_vtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD("Inhibit", "ssss", "h", inhibit, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_SIGNAL("PrepareForSleep", "b", 0),
    SD_BUS_SIGNAL("PrepareForShutdown", "b", 0),
    SD_BUS_VTABLE_END,
};

static const sd_bus_vtable manager_vtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD("ListJobs", "", "a(usssoo)", list_jobs, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_VTABLE_END,
};

static int emit(sd_bus *bus, const char *name, int arg)
{
    printf("signal %s %d\n", name, arg);
    return sd_bus_emit_signal(bus, "/org/freedesktop/login1", "org.freedesktop.login1.Manager",
                              name, "b", arg);
}

/* One command line; returns 0 to go on, 1 to quit. */
static int command(sd_bus *bus, const char *line)
{
    if (strcmp(line, "sleep") == 0 || strcmp(line, "hibernate") == 0) {
        hibernate_job = strcmp(line, "hibernate") == 0;
        emit(bus, "PrepareForSleep", 1);
    } else if (strcmp(line, "resume") == 0) {
        hibernate_job = 0;
        emit(bus, "PrepareForSleep", 0);
    } else if (strcmp(line, "shutdown") == 0) {
        emit(bus, "PrepareForShutdown", 1);
    } else if (strcmp(line, "quit") == 0) {
        return 1;
    } else {
        fprintf(stderr, "fake_logind: unknown command '%s'\n", line);
    }
    return 0;
}

int main(int argc, char **argv)
{
    sd_bus *bus = NULL;
    char buf[256];
    size_t have = 0;
    if (argc != 3) {
        fprintf(stderr, "usage: fake_logind BUS_ADDRESS COMMAND_FIFO\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (sd_bus_new(&bus) < 0 || sd_bus_set_address(bus, argv[1]) < 0 ||
        sd_bus_set_bus_client(bus, 1) < 0 || sd_bus_start(bus) < 0 ||
        sd_bus_add_object_vtable(bus, NULL, "/org/freedesktop/login1",
                                 "org.freedesktop.login1.Manager", login_vtable, NULL) < 0 ||
        sd_bus_add_object_vtable(bus, NULL, "/org/freedesktop/systemd1",
                                 "org.freedesktop.systemd1.Manager", manager_vtable, NULL) < 0 ||
        sd_bus_request_name(bus, "org.freedesktop.login1", 0) < 0 ||
        sd_bus_request_name(bus, "org.freedesktop.systemd1", 0) < 0) {
        fprintf(stderr, "fake_logind: cannot serve on %s\n", argv[1]);
        return 1;
    }
    /* Read-write, so that the FIFO never reports end of file between writers. */
    int cmd = open(argv[2], O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (cmd < 0) {
        perror("fake_logind: command FIFO");
        return 1;
    }
    printf("ready\n");
    for (int quit = 0; !quit;) {
        while (sd_bus_process(bus, NULL) > 0)
            ;
        struct pollfd p[3] = {{sd_bus_get_fd(bus), POLLIN, 0}, {cmd, POLLIN, 0}, {held_fd, 0, 0}};
        if (poll(p, 3, 1000) < 0)
            break;
        if (held_fd >= 0 && (p[2].revents & (POLLHUP | POLLERR))) {
            struct timespec now;
            clock_gettime(CLOCK_REALTIME, &now);
            close(held_fd);
            held_fd = -1;
            printf("released %lld\n", (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000);
        }
        if (p[1].revents & POLLIN) {
            ssize_t n = read(cmd, buf + have, sizeof(buf) - 1 - have);
            have += n > 0 ? (size_t)n : 0;
            char *nl;
            while (!quit && (nl = memchr(buf, '\n', have))) {
                *nl = '\0';
                quit = command(bus, buf);
                have -= (size_t)(nl + 1 - buf);
                memmove(buf, nl + 1, have);
            }
            if (have == sizeof(buf) - 1)
                have = 0; /* a line too long for any command */
            sd_bus_flush(bus);
        }
    }
    sd_bus_flush_close_unref(bus);
    return 0;
}
