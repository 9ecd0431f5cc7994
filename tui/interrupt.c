#include "interrupt.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

/* sig_atomic_t is int here; work polls it as `const volatile int *` (the
 * type engine/ takes for a cancel flag). */
static volatile sig_atomic_t hit, first;
static uv_async_t *volatile wake_h;
static struct sigaction old_int, old_term;
static int installed;

static void on_signal(int sig)
{
    if (hit) /* the second: whatever is running is not listening */
        _exit(128 + sig);
    hit = 1;
    first = sig;
    uv_async_t *w = wake_h;
    if (w)
        uv_async_send(w);
}

void interrupt_install(uv_async_t *wake)
{
    hit = first = 0;
    wake_h = wake;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGINT);
    sigaddset(&sa.sa_mask, SIGTERM);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    installed = 1;
}

void interrupt_restore(void)
{
    if (!installed)
        return;
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    wake_h = NULL;
    installed = 0;
}

const volatile int *interrupt_flag(void)
{
    return (const volatile int *)&hit;
}

int interrupt_signal(void)
{
    return first;
}
