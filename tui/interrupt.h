/* Ctrl-C and SIGTERM for commands whose work may keep the loop (or the
 * main thread) busy. The first signal raises a flag that long CPU work
 * polls and, given a uv_async_t, wakes the loop (uv_async_send is
 * async-signal-safe), so a uv_signal_t that only acts between loop turns
 * is not needed; the second ends the process at once, with 128 + signal. */
#ifndef COLLM_INTERRUPT_H
#define COLLM_INTERRUPT_H

#include <uv.h>

/* Installs the handlers for SIGINT and SIGTERM; wake may be NULL. */
void interrupt_install(uv_async_t *wake);
/* Back to the handlers there were before; wake is never sent again. */
void interrupt_restore(void);
/* The flag work polls: non-zero once a signal came. */
const volatile int *interrupt_flag(void);
/* 0, or the first signal that came (SIGINT, SIGTERM). */
int interrupt_signal(void);

#endif
