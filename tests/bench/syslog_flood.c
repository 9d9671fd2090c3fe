/* A switch that floods: sends syslog datagrams to HOST:PORT at RATE messages a second for
 * SECONDS (sendmmsg in batches, paced every millisecond), a realistic mix of Cisco IOS lines:
 * one in LINK_EVERY a link message (%LINK-3-UPDOWN on one of 48 ports), the rest chatter the
 * collector must read and drop (%SYS-5-CONFIG_I, %SEC-6-IPACCESSLOGP). Prints what it sent.
 * Usage: whb-syslog-flood HOST PORT RATE SECONDS [LINK_EVERY] */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: whb-syslog-flood HOST PORT RATE SECONDS [LINK_EVERY]\n");
        return 2;
    }
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2]))};
    if (inet_pton(AF_INET, argv[1], &to.sin_addr) != 1)
        return 2;
    double rate = atof(argv[3]), seconds = atof(argv[4]);
    long link_every = argc > 5 ? atol(argv[5]) : 10;
    if (rate <= 0 || seconds <= 0 || seconds > 600 || link_every < 1)
        return 2;
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&to, sizeof(to)) != 0) {
        perror("socket");
        return 1;
    }
    static char bufs[BATCH][256];
    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    long sent = 0, seq = 0;
    double start = now(), end = start + seconds;
    while (now() < end) {
        long due = (long)((now() - start) * rate);
        while (sent < due) {
            int k = 0;
            for (; k < BATCH && sent + k < due; k++, seq++) {
                int n;
                if (seq % link_every == 0)
                    n = snprintf(bufs[k], sizeof(bufs[k]),
                                 "<187>%ld: *Mar  1 02:11:45.123: %%LINK-3-UPDOWN: Interface "
                                 "GigabitEthernet1/0/%ld, changed state to %s",
                                 seq, seq % 48 + 1, seq % 2 ? "down" : "up");
                else if (seq % 2)
                    n = snprintf(bufs[k], sizeof(bufs[k]),
                                 "<190>%ld: *Mar  1 02:11:45.123: %%SEC-6-IPACCESSLOGP: list 101 "
                                 "denied tcp 10.1.%ld.2(51515) -> 10.2.3.4(445), 1 packet",
                                 seq, seq % 250);
                else
                    n = snprintf(bufs[k], sizeof(bufs[k]),
                                 "<189>%ld: *Mar  1 02:11:45.123: %%SYS-5-CONFIG_I: Configured "
                                 "from console by admin on vty0 (10.1.1.1)",
                                 seq);
                iov[k].iov_base = bufs[k];
                iov[k].iov_len = (size_t)n;
                memset(&msgs[k], 0, sizeof(msgs[k]));
                msgs[k].msg_hdr.msg_iov = &iov[k];
                msgs[k].msg_hdr.msg_iovlen = 1;
            }
            int r = sendmmsg(fd, msgs, (unsigned)k, 0);
            if (r <= 0)
                break;
            sent += r;
        }
        usleep(1000);
    }
    printf("sent=%ld seconds=%.2f rate=%.0f\n", sent, now() - start,
           (double)sent / (now() - start));
    close(fd);
    return 0;
}
