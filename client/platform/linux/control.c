/* The agent's local control socket: the systemd-sleep hook (and `whb-agent --notify`) tells
 * the agent "pre suspend", "pre hibernate", "post", "shutdown" or "stop" and waits for "ok",
 * which comes once the last gasp is delivered or spooled. Unix stream socket, mode 0600. */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "error.h"
#include "linux.h"

struct whb_control {
    int fd;
    char path[108];
};

static int addr_of(const char *path, struct sockaddr_un *sa)
{
    memset(sa, 0, sizeof(*sa));
    sa->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sa->sun_path))
        return WHB_EINVAL;
    memcpy(sa->sun_path, path, strlen(path) + 1);
    return 0;
}

int whb_control_open(const char *path, struct whb_control **out)
{
    struct sockaddr_un sa;
    struct whb_control *c = calloc(1, sizeof(*c));
    if (!c)
        return WHB_ENOMEM;
    if (addr_of(path, &sa)) {
        free(c);
        return WHB_EINVAL;
    }
    snprintf(c->path, sizeof(c->path), "%s", path);
    c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    unlink(path);
    mode_t old = umask(077);
    int rc = c->fd < 0 || bind(c->fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(c->fd, 8);
    umask(old);
    if (rc) {
        if (c->fd >= 0)
            close(c->fd);
        free(c);
        return WHB_EIO;
    }
    *out = c;
    return 0;
}

void whb_control_close(struct whb_control *c)
{
    if (!c)
        return;
    close(c->fd);
    unlink(c->path);
    free(c);
}

int whb_control_fd(struct whb_control *c)
{
    return c->fd;
}

static const struct {
    const char *cmd;
    enum whb_os_event_kind kind;
} commands[] = {
    {"pre suspend", WHB_OS_SUSPEND},
    {"pre suspend-then-hibernate", WHB_OS_SUSPEND},
    {"pre hibernate", WHB_OS_HIBERNATE},
    {"pre hybrid-sleep", WHB_OS_HIBERNATE},
    {"post", WHB_OS_RESUME},
    {"shutdown", WHB_OS_SHUTDOWN},
    {"stop", WHB_OS_STOP},
};

int whb_control_read(struct whb_control *c, struct whb_os_event *ev)
{
    char line[64];
    int cfd = accept4(c->fd, NULL, NULL, SOCK_CLOEXEC);
    if (cfd < 0)
        return 0;
    /* The hook writes its line at once; do not let a silent client block the agent. */
    struct pollfd p = {cfd, POLLIN, 0};
    ssize_t n = poll(&p, 1, 500) == 1 ? read(cfd, line, sizeof(line) - 1) : -1;
    if (n <= 0) {
        close(cfd);
        return 0;
    }
    line[n] = '\0';
    line[strcspn(line, "\r\n")] = '\0';
    /* "post suspend" and "post hibernate" both mean resumed. */
    if (strncmp(line, "post", 4) == 0)
        line[4] = '\0';
    memset(ev, 0, sizeof(*ev));
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(line, commands[i].cmd) == 0) {
            ev->kind = commands[i].kind;
            ev->reply = (void *)(intptr_t)(cfd + 1);
            if (ev->kind == WHB_OS_RESUME)
                whb_control_reply(ev, "ok");
            return 1;
        }
    }
    /* If the client is already gone there is nobody to tell. */
    ssize_t ignored = send(cfd, "unknown command\n", 16, MSG_NOSIGNAL);
    (void)ignored;
    close(cfd);
    return 0;
}

void whb_control_reply(struct whb_os_event *ev, const char *text)
{
    int cfd = (int)(intptr_t)ev->reply - 1;
    if (cfd < 0)
        return;
    char line[64];
    int n = snprintf(line, sizeof(line), "%s\n", text);
    /* The hook may have given up waiting; the OS goes on either way. A closed peer must not
     * raise SIGPIPE: that would end the agent (and systemd counts it as a clean exit). */
    ssize_t ignored = send(cfd, line, (size_t)n, MSG_NOSIGNAL);
    (void)ignored;
    close(cfd);
    ev->reply = NULL;
}

int whb_control_notify(const char *path, const char *command, int timeout_ms)
{
    struct sockaddr_un sa;
    char answer[64];
    if (addr_of(path, &sa))
        return WHB_EINVAL;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
        if (fd >= 0)
            close(fd);
        return WHB_ENOTFOUND;
    }
    int rc = WHB_ETIMEOUT;
    size_t len = strlen(command);
    if (write(fd, command, len) == (ssize_t)len) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, timeout_ms) == 1) {
            ssize_t n = read(fd, answer, sizeof(answer) - 1);
            answer[n > 0 ? n : 0] = '\0';
            rc = strncmp(answer, "ok", 2) == 0 ? 0 : WHB_EINVAL;
        }
    }
    close(fd);
    return rc;
}
