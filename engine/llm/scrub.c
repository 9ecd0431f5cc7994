#include "scrub.h"

#include <stdlib.h>
#include <string.h>

#include "../core/strbuf.h"

#define REDACTED "[redacted]"
#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */

/* The length of the valid UTF-8 sequence at s, or 0 when it is not one
 * (Unicode's table 3-7: no overlongs, no surrogates, nothing past U+10FFFF). */
static size_t utf8_len(const unsigned char *s)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    unsigned char lo = 0x80, hi = 0xbf;
    size_t n;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2;
    else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        if (c == 0xe0)
            lo = 0xa0;
        else if (c == 0xed)
            hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        if (c == 0xf0)
            lo = 0x90;
        else if (c == 0xf4)
            hi = 0x8f;
    } else
        return 0;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t k = 2; k < n; k++)
        if (s[k] < 0x80 || s[k] > 0xbf)
            return 0;
    return n;
}

char *llm_scrub_text(const char *text, const char *key)
{
    struct strbuf b = {0};
    size_t kl = key ? strlen(key) : 0;
    if (kl < LLM_SCRUB_MIN_KEY)
        kl = 0;
    const unsigned char *s = (const unsigned char *)(text ? text : "");
    strbuf_add(&b, "", 0);
    while (*s) {
        /* a run of plain ASCII at once: answers are mostly that */
        size_t run = 0;
        while (s[run] && s[run] < 0x80 && !(kl && s[run] == (unsigned char)key[0]))
            run++;
        if (run) {
            strbuf_add(&b, (const char *)s, run);
            s += run;
            continue;
        }
        if (kl && strncmp((const char *)s, key, kl) == 0) {
            strbuf_add(&b, REDACTED, sizeof REDACTED - 1);
            s += kl;
            continue;
        }
        size_t n = utf8_len(s);
        if (n) {
            strbuf_add(&b, (const char *)s, n);
            s += n;
        } else { /* one replacement per bad byte: the text keeps its shape */
            strbuf_add(&b, REPLACEMENT, sizeof REPLACEMENT - 1);
            s++;
        }
    }
    if (b.failed) {
        strbuf_free(&b);
        return NULL;
    }
    return b.p;
}
