/* Ctrl-C and SIGTERM (tui/interrupt.c): the first signal only raises the
 * flag work polls; the second ends the process at once with 128 + signal.
 * Run in a child, with the signals raised by hand: two kill(1)s from a
 * script may arrive as one, since standard signals do not queue. */
#include "testutil.h"

#include <signal.h>
#include <sys/wait.h>

#include "../../tui/interrupt.c"

static int child_status(int sig, int restore)
{
    pid_t pid = fork();
    if (pid == 0) {
        interrupt_install(NULL);
        raise(sig);
        if (*interrupt_flag() != 1 || interrupt_signal() != sig)
            _exit(3); /* the first must be noted, not end anything */
        if (restore)
            interrupt_restore();
        raise(sig);
        _exit(0); /* the second came back: a bug */
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return st;
}

static void the_second_signal_ends_the_process(void **state)
{
    (void)state;
    int st = child_status(SIGTERM, 0);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 128 + SIGTERM);
    st = child_status(SIGINT, 0);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 128 + SIGINT);
}

static void restored_handlers_are_the_old_ones(void **state)
{
    (void)state;
    int st = child_status(SIGTERM, 1); /* the default: killed by the signal */
    assert_true(WIFSIGNALED(st));
    assert_int_equal(WTERMSIG(st), SIGTERM);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_second_signal_ends_the_process),
        cmocka_unit_test(restored_handlers_are_the_old_ones),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
