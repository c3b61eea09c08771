/*
 * The worker's seccomp filter. Everything is allowed but what a parser never
 * needs once the worker is set up: it reads bytes it is handed through
 * descriptors it already has. Threads stay allowed (decoders may start them);
 * new processes do not.
 */
#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <unistd.h>

#include "scan/worker_child.h"

static const int forbidden[] = {
    /* files by name */
    SCMP_SYS(open), SCMP_SYS(openat), SCMP_SYS(openat2), SCMP_SYS(creat), SCMP_SYS(open_by_handle_at),
    SCMP_SYS(name_to_handle_at), SCMP_SYS(mknod), SCMP_SYS(mknodat), SCMP_SYS(link), SCMP_SYS(linkat),
    SCMP_SYS(symlink), SCMP_SYS(symlinkat), SCMP_SYS(unlink), SCMP_SYS(unlinkat), SCMP_SYS(rename),
    SCMP_SYS(renameat), SCMP_SYS(renameat2), SCMP_SYS(mkdir), SCMP_SYS(mkdirat), SCMP_SYS(rmdir),
    SCMP_SYS(truncate), SCMP_SYS(chmod), SCMP_SYS(fchmodat), SCMP_SYS(chown), SCMP_SYS(lchown),
    SCMP_SYS(fchownat), SCMP_SYS(utimensat), SCMP_SYS(utimes), SCMP_SYS(utime), SCMP_SYS(chdir),
    /* programs and processes */
    SCMP_SYS(execve), SCMP_SYS(execveat), SCMP_SYS(fork), SCMP_SYS(vfork), SCMP_SYS(ptrace),
    SCMP_SYS(process_vm_readv), SCMP_SYS(process_vm_writev),
    /* the network */
    SCMP_SYS(socket), SCMP_SYS(socketpair), SCMP_SYS(connect), SCMP_SYS(bind), SCMP_SYS(listen),
    SCMP_SYS(accept), SCMP_SYS(accept4),
    /* the system */
    SCMP_SYS(mount), SCMP_SYS(umount2), SCMP_SYS(chroot), SCMP_SYS(pivot_root), SCMP_SYS(unshare),
    SCMP_SYS(setns), SCMP_SYS(reboot), SCMP_SYS(init_module), SCMP_SYS(finit_module), SCMP_SYS(bpf),
};

int vg_worker_seccomp(void)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    pid_t self = getpid();
    /* written out rather than with SCMP_A0, whose two-operand form leaves datum_b to the compiler
     * (clang warns under -Wextra) */
    const struct scmp_arg_cmp thread_only = {.arg = 0, .op = SCMP_CMP_MASKED_EQ, .datum_a = CLONE_THREAD, .datum_b = 0};
    const struct scmp_arg_cmp not_self = {.arg = 0, .op = SCMP_CMP_NE, .datum_a = (scmp_datum_t)self, .datum_b = 0};
    int rc = 0;
    if (!ctx)
        return -1;
    for (size_t i = 0; i < sizeof forbidden / sizeof forbidden[0] && rc == 0; i++)
        if (forbidden[i] >= 0) /* a call this kernel's table lacks: nothing to forbid */
            rc = seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, forbidden[i], 0);
    /* clone for a thread only; clone3 hides its flags, so it reports ENOSYS and libc falls back to clone */
    if (rc == 0)
        rc = seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(clone), 1, thread_only);
    if (rc == 0)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
    /* signals to itself only (abort, raise) */
    if (rc == 0)
        rc = seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(kill), 1, not_self);
    if (rc == 0)
        rc = seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(tgkill), 1, not_self);
    if (rc == 0)
        rc = seccomp_load(ctx);
    seccomp_release(ctx);
    return rc == 0 ? 0 : -1;
}
