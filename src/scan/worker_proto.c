/* Framing and descriptor passing for worker messages (worker_proto.h). */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "scan/worker_proto.h"

int vg_msg_send(int sock, uint32_t type, const void *p, size_t n, int fd)
{
    vg_msg_hdr h = {type, 0, n};
    struct iovec iov[2] = {{&h, sizeof h}, {(void *)p, n}};
    union {
        struct cmsghdr c;
        char b[CMSG_SPACE(sizeof(int))];
    } ctl;
    struct msghdr m;
    size_t total = sizeof h + n, sent = 0;
    memset(&m, 0, sizeof m);
    m.msg_iov = iov;
    m.msg_iovlen = n ? 2 : 1;
    if (fd >= 0) {
        memset(&ctl, 0, sizeof ctl);
        m.msg_control = ctl.b;
        m.msg_controllen = sizeof ctl.b;
        ctl.c.cmsg_level = SOL_SOCKET;
        ctl.c.cmsg_type = SCM_RIGHTS;
        ctl.c.cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(&ctl.c), &fd, sizeof fd);
    }
    while (sent < total) {
        ssize_t k = sendmsg(sock, &m, MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return -1;
        sent += (size_t)k;
        m.msg_control = NULL; /* the descriptor went with the first bytes */
        m.msg_controllen = 0;
        while (m.msg_iovlen && (size_t)k >= m.msg_iov[0].iov_len) {
            k -= (ssize_t)m.msg_iov[0].iov_len;
            m.msg_iov++;
            m.msg_iovlen--;
        }
        if (m.msg_iovlen) {
            m.msg_iov[0].iov_base = (char *)m.msg_iov[0].iov_base + k;
            m.msg_iov[0].iov_len -= (size_t)k;
        }
    }
    return 0;
}

int vg_msg_read(int sock, void *p, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t k = read(sock, (char *)p + got, n - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return -1;
        if (k == 0) {
            errno = EPIPE;
            return -1;
        }
        got += (size_t)k;
    }
    return 0;
}

int vg_msg_recv_hdr(int sock, vg_msg_hdr *h, int *fd)
{
    union {
        struct cmsghdr c;
        char b[CMSG_SPACE(sizeof(int))];
    } ctl;
    struct iovec iov = {h, sizeof *h};
    struct msghdr m;
    struct cmsghdr *c;
    ssize_t k;
    *fd = -1;
    memset(&m, 0, sizeof m);
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = ctl.b;
    m.msg_controllen = sizeof ctl.b;
    do
        k = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
    while (k < 0 && errno == EINTR);
    if (k < 0)
        return -1;
    if (k == 0)
        return 0;
    for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int)))
            memcpy(fd, CMSG_DATA(c), sizeof *fd);
    if ((size_t)k < sizeof *h && vg_msg_read(sock, (char *)h + k, sizeof *h - (size_t)k) < 0) {
        if (*fd >= 0)
            close(*fd);
        *fd = -1;
        return -1;
    }
    return 1;
}
