/*
 * Library logging: messages go to one callback set before any thread starts;
 * they are dropped by default. The library never prints on its own.
 */
#ifndef VIGIL_LOG_H
#define VIGIL_LOG_H

typedef enum { VIGIL_LOG_DEBUG, VIGIL_LOG_INFO, VIGIL_LOG_WARN, VIGIL_LOG_ERROR } vigil_log_level;

typedef void (*vigil_log_fn)(vigil_log_level level, const char *msg, void *ud);

/* Set the log callback (NULL drops messages). Call before starting threads. */
void vigil_log_set(vigil_log_fn fn, void *ud);

#endif
