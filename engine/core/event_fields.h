/* The JSON form of events and of the session header: one row per field,
 * read by event.c's codec (to JSON, from JSON, copy, free) through fields.h.
 * Rows are written in table order, which is the order of keys on disk;
 * keep it (journals are compared byte for byte). A row is
 *
 *   X(JSON key, kind, member of the struct, event types that carry it, extras)
 *
 * where extras are designated initialisers of struct field (.flags,
 * .group, .names/.nnames for enums, .dflt, .bad, .ops, .aux, .sub/.nsub/.size
 * for lists). A member two
 * event types write at different places gets a row per place. The key
 * "detail" is kept from format 1, where it held several meanings: each
 * meaning now has its own member. Included by event.c only. */
#ifndef COLLM_EVENT_FIELDS_H
#define COLLM_EVENT_FIELDS_H

#define T(id) ((uint64_t)1 << EV_##id)
#define T_EVAL (T(EVAL_FINISHED) | T(BEST_IMPROVED) | T(TARGET_REACHED))
#define T_ARCH (T(CANDIDATE_REJECTED) | T(EVAL_STARTED) | T_EVAL | T(EVAL_FAILED) |           \
                T(CANDIDATE_EDITED))
#define T_LLM (T(LLM_REQUEST) | T(LLM_RETRY) | T(LLM_ANSWER) | T(LLM_FAILED) |                 \
               T(ANSWER_REJECTED) | T(LLM_WARNING))
#define T_WHY (T(CANDIDATE_REJECTED) | T(EVAL_FAILED) | T(SESSION_ENDED) | T(LLM_RETRY) |       \
               T(LLM_FAILED) | T(ANSWER_REJECTED) | T(PAUSED) | T(SESSION_RESUMED) |              \
               T(LLM_WARNING))

#define EVENT_FIELDS(X)                                                                     \
    X("", FK_CUSTOM, info, T(SESSION_STARTED), .ops = &info_ops)                              \
    X("source", FK_ENUM, source, T(CANDIDATES_PROPOSED), .names = source_names,               \
      .nnames = SRC__COUNT)                                                                 \
    X("by", FK_STR, by, T(CANDIDATES_PROPOSED) | T(STRATEGY_PROPOSED))                        \
    X("role", FK_STR, role, T(AGENT_SWITCHED))                                                \
    X("by", FK_STR, by, T(AGENT_SWITCHED))                                                    \
    X("by", FK_STR, by, T(STRATEGY_EDITED), .dflt = "user")                                   \
    X("candidates", FK_LIST, cand, T(CANDIDATES_PROPOSED), .sub = cand_fields, .nsub = 2,     \
      .size = sizeof(struct ev_cand), .aux = offsetof(struct event, ncand))                 \
    X("state", FK_STR, pstate, T(CANDIDATES_PROPOSED), .flags = FF_OPTIONAL)                  \
    X("req", FK_INT, req, T_LLM)                                                              \
    X("id", FK_INT, id, T_ARCH | T(CANDIDATE_APPROVED) | T(EVAL_PROGRESS))                    \
    X("arch", FK_STR, arch, T_ARCH)                                                           \
    X("reason", FK_ENUM, reason, T(CANDIDATE_REJECTED), .names = reject_names,                \
      .nnames = REJ__COUNT)                                                                 \
    X("metrics", FK_CUSTOM, metrics, T_EVAL, .ops = &metrics_ops)                             \
    X("budget", FK_INT, budget, T(SESSION_RESUMED) | T(BUDGET_RAISED))                        \
    X("reason", FK_ENUM, end, T(SESSION_ENDED), .names = end_names, .nnames = END__COUNT)     \
    X("role", FK_STR, role, T(LLM_REQUEST) | T(ANSWER_REJECTED) | T(CONTEXT_COMPACTED) |      \
      T(LLM_WARNING))                                                                       \
    X("model", FK_STR, model, T(LLM_REQUEST))                                                 \
    X("messages", FK_LIST, msgs, T(LLM_REQUEST), .sub = msg_fields, .nsub = 2,                \
      .size = sizeof(struct ev_msg), .aux = offsetof(struct event, nmsg))                   \
    X("attempt", FK_INT, attempt, T(LLM_RETRY))                                               \
    X("delay", FK_EXACT, delay, T(LLM_RETRY))                                                 \
    X("detail", FK_STR, why, T_WHY)                                                           \
    X("detail", FK_STR, why, T(RESUMED), .flags = FF_OPTIONAL)                                \
    X("detail", FK_STR, why, T(CANDIDATE_APPROVED) | T(STRATEGY_APPROVED),                    \
      .flags = FF_OPTIONAL)                                                                 \
    X("steps", FK_COUNT, steps, T(RESUMED), .flags = FF_OPTIONAL)                             \
    X("detail", FK_STR, before, T(CANDIDATE_EDITED))                                          \
    X("detail", FK_ENUM, review, T(REVIEW_CHANGED), .names = review_names,                    \
      .nnames = REVIEW__COUNT, .bad = "expected auto, candidates, strategy or all")         \
    X("used", FK_INT, used, T(BUDGET_REACHED) | T(SESSION_ENDED))                             \
    X("budget", FK_INT, budget, T(BUDGET_REACHED) | T(SESSION_ENDED))                         \
    X("text", FK_STR, text, T(STRATEGY_PROPOSED) | T(LLM_ANSWER) | T(LLM_FAILED) |            \
      T(ANSWER_REJECTED) | T(STRATEGY_EDITED))                                              \
    X("turn", FK_STR, prompt, T(STRATEGY_PROPOSED), .flags = FF_OPTIONAL)                     \
    X("finish", FK_STR, finish, T(LLM_ANSWER))                                                \
    X("tokens_in", FK_COUNT, tokens_in, T(LLM_ANSWER), .bad = TOKENS_BAD)                     \
    X("tokens_out", FK_COUNT, tokens_out, T(LLM_ANSWER), .bad = TOKENS_BAD)                   \
    X("latency", FK_EXACT, latency, T(LLM_ANSWER) | T(LLM_FAILED))                          \
    X("tokens_reasoning", FK_COUNT, tokens_reasoning, T(LLM_ANSWER), .flags = FF_OPTIONAL,    \
      .bad = TOKENS_BAD)                                                                    \
    X("reasoning", FK_STR, reasoning, T(LLM_ANSWER), .flags = FF_OPTIONAL)                  \
    X("dropped", FK_INT, dropped, T(CONTEXT_COMPACTED))                                       \
    X("rows", FK_INT, rows, T(CONTEXT_COMPACTED))                                             \
    X("tokens_before", FK_COUNT, est_before, T(CONTEXT_COMPACTED), .bad = TOKENS_BAD)         \
    X("tokens_after", FK_COUNT, est_after, T(CONTEXT_COMPACTED), .bad = TOKENS_BAD)           \
    X("window", FK_INT, window, T(CONTEXT_COMPACTED))                                         \
    X("status", FK_COUNT, http_status, T(LLM_FAILED), .flags = FF_OPTIONAL,                   \
      .bad = "expected an HTTP status")                                                     \
    X("worker", FK_INT, worker, T(WORKER_LOG))                                                \
    X("text", FK_STR, text, T(WORKER_LOG), .flags = FF_OPTIONAL)                              \
    X("dropped", FK_INT, dropped, T(WORKER_LOG))                                              \
    /* transient (never journalled), written only for debugging output */                  \
    X("phase", FK_ENUM, phase, T(EVAL_PROGRESS), .names = phase_names, .nnames = PHASE__COUNT) \
    X("images_done", FK_COUNT, images_done, T(EVAL_PROGRESS))                                 \
    X("images_total", FK_COUNT, images_total, T(EVAL_PROGRESS))

#define TOKENS_BAD "expected token counts from 0 to 10^15"

/* The header (session_started). A new header field is one row here; a
 * JSON object of options kept as text is kind FK_JSON. */
#define SESSION_INFO_FIELDS(X)                                                              \
    X("version", FK_INT, version)                                                           \
    X("program", FK_STR, program)                                                           \
    X("space", FK_STR, space)                                                               \
    X("algo", FK_STR, algo)                                                                 \
    X("seed", FK_U64, seed)                                                                 \
    X("budget", FK_INT, budget, .flags = FF_POSITIVE)                                       \
    X("constraint", FK_STR, constraint)                                                     \
    X("review", FK_ENUM, review, .flags = FF_OPTIONAL, .names = review_names,               \
      .nnames = REVIEW__COUNT, .bad = "expected auto, candidates, strategy or all")         \
    X("params", FK_JSON, params)                                                            \
    X("navigator", FK_STR, navigator, .group = "agents")                                    \
    X("generator", FK_STR, generator, .group = "agents")                                    \
    X("evaluator", FK_STR, evaluator, .flags = FF_OPTIONAL)                                 \
    X("target", FK_EXACT, target, .flags = FF_NULLABLE,                                     \
      .aux = offsetof(struct session_info, has_target))                                     \
    X("metrics", FK_CUSTOM, metrics, .ops = &metric_defs_ops)                               \
    X("objective", FK_CUSTOM, objective, .ops = &metric_name_ops)                           \
    X("report", FK_CUSTOM, report, .flags = FF_OPTIONAL, .ops = &metric_name_ops)

#endif
