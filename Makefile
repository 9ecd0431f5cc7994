# collm — see README.md. `make run` and `make test` install what is missing
# (Debian packages, via .ci/deps.sh) and build first.

CC      ?= cc
VERSION := 0.1.0
BUILD   ?= build
SAN     ?=
PKGS    := libcjson libuv libcurl openblas zlib
TESTPKGS := cmocka

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
TEST_CFLAGS := $(shell pkg-config --cflags $(TESTPKGS) 2>/dev/null)
TEST_LIBS   := $(shell pkg-config --libs $(TESTPKGS) 2>/dev/null)

OPT     ?= -O2
# Error texts live in fixed buffers and are cut on purpose when too long:
# gcc's format-truncation guesses would only make us pad every snprintf.
CFLAGS  := -std=c11 -Wall -Wextra -Werror -Wno-format-truncation $(OPT) -g -D_XOPEN_SOURCE=700 \
           -DCOLLM_VERSION='"$(VERSION)"' -DCOLLM_DATADIR='"$(abspath data)"' \
           -DCOLLM_PROMPTSDIR='"$(abspath prompts)"' $(PKG_CFLAGS)
LDLIBS  := $(PKG_LIBS) -lm
# float-cast-overflow is not in `undefined`: a double too big for the int it
# becomes (a count or a resolution read from a file) is still undefined.
SANITIZE := address,undefined,float-cast-overflow
ifeq ($(SAN),1)
CFLAGS  += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=$(SANITIZE)
endif
# The objects libFuzzer links (make fuzz): clang, coverage for the fuzzer,
# the same sanitizers.
ifeq ($(FUZZ),1)
CFLAGS  += -Wno-unknown-warning-option -fsanitize=fuzzer-no-link,$(SANITIZE) \
           -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=$(SANITIZE)
endif

CURSES_CFLAGS := $(filter-out -D_XOPEN_SOURCE% -D_DEFAULT_SOURCE,$(shell pkg-config --cflags ncursesw 2>/dev/null))
CURSES_LIBS   := $(shell pkg-config --libs ncursesw 2>/dev/null)

ENGINE_SRC := $(wildcard engine/*/*.c)
WIDGET_SRC := $(wildcard widgets/*.c)
SESS_SRC   := $(wildcard sessions/*.c)
APP_SRC    := $(wildcard tui/*.c)
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
BENCH_SRC  := $(wildcard tests/bench/*.c)
TOOL_SRC   := $(wildcard tests/tools/*.c)
FUZZ_SRC   := $(filter-out tests/fuzz/replay.c,$(wildcard tests/fuzz/*.c))

ENGINE_OBJ := $(ENGINE_SRC:%.c=$(BUILD)/obj/%.o) $(SESS_SRC:%.c=$(BUILD)/obj/%.o)
WIDGET_OBJ := $(WIDGET_SRC:%.c=$(BUILD)/obj/%.o)
APP_OBJ    := $(APP_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_BIN   := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
BENCH_BIN  := $(BENCH_SRC:tests/bench/%.c=$(BUILD)/bench/%)
TOOL_BIN   := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tools/%)
FUZZ_BIN   := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzzers/%)
REPLAY_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/tests/test_fuzz_%)
FUZZ_SECONDS ?= 60

LIB := $(BUILD)/libcollm.a
WLIB := $(BUILD)/libwidgets.a
BIN := $(BUILD)/collm

.PHONY: all run test bench fuzz fuzz-build clean deps check-layers tests-build readme \
        install uninstall
.SUFFIXES:

all: check-layers $(BIN)

deps:
	@sh .ci/deps.sh

run: deps
	@$(MAKE) --no-print-directory all
	./$(BIN)

# The suite twice: a normal build and an ASan+UBSan build, one summary line.
test: deps
	@$(MAKE) --no-print-directory BUILD=build tests-build
	@$(MAKE) --no-print-directory BUILD=build/asan SAN=1 OPT=-O1 tests-build
	@sh tests/run.sh build build/asan

tests-build: check-layers $(BIN) $(UNIT_BIN) $(TOOL_BIN) $(REPLAY_BIN)

# Every target of tests/fuzz/ for FUZZ_SECONDS under libFuzzer (clang, in
# $(BUILD)/fuzz); what it finds goes to tests/fuzz/regress/, which the
# test_fuzz_* programs of tests-build replay.
fuzz:
	@sh .ci/deps.sh clang libclang-rt-dev
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/fuzz CC=clang FUZZ=1 fuzz-build
	@nice -n 19 sh tests/fuzz/run.sh $(BUILD)/fuzz $(FUZZ_SECONDS)

fuzz-build: check-layers $(FUZZ_BIN)

bench:
	@sh .ci/deps.sh python3-torch
	@$(MAKE) --no-print-directory all $(BENCH_BIN)
	@d=$$(mktemp -d) && for b in $(filter-out %/bench_worker,$(BENCH_BIN)); do \
	    COLLM=./$(BIN) ./$$b "$$d" || exit 1; done && \
	if /usr/bin/python3 -c 'import torch' 2>/dev/null; then \
	    /usr/bin/python3 tests/bench/ofa_torch.py data "$$d"; \
	    /usr/bin/python3 tests/bench/supernet_torch.py data "$$d" || { rm -rf "$$d"; exit 1; }; \
	    /usr/bin/python3 tests/bench/eval_torch.py data "$$d" || { rm -rf "$$d"; exit 1; }; \
	else echo "(python3-torch is not installed: no torch comparison)"; fi; rm -rf "$$d"
	@sh tests/bench/workers.sh ./$(BIN) $(BUILD)/bench/bench_worker
	@sh tests/bench/tui.sh ./$(BIN)

# The README's key table, made from tui/actions.h (tests/integration/tui.sh
# fails while the README differs).
readme: $(BUILD)/tools/keytable
	@$(BUILD)/tools/keytable README.md >README.md.new && mv README.md.new README.md
$(BUILD)/tools/keytable: tui/actions.h

clean:
	rm -rf build

# The binary finds share/collm/ from where it lies (../share/collm beside
# bin/, engine/core/datadir.c), so the one build serves the tree, a
# DESTDIR staging and the final PREFIX alike, with no rebuild.
PREFIX  ?= /usr/local
DESTDIR ?=
SHARE   := $(DESTDIR)$(PREFIX)/share
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(SHARE)/collm $(SHARE)/man/man1 \
	    $(SHARE)/bash-completion/completions $(SHARE)/zsh/site-functions
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/collm
	rm -rf $(SHARE)/collm/data $(SHARE)/collm/prompts $(SHARE)/collm/themes
	cp -R data prompts themes $(SHARE)/collm/
	install -m 644 man/collm.1 $(SHARE)/man/man1/collm.1
	install -m 644 completions/collm.bash $(SHARE)/bash-completion/completions/collm
	install -m 644 completions/_collm $(SHARE)/zsh/site-functions/_collm

# What install put, and the share/collm folder that only collm writes.
uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/collm $(SHARE)/man/man1/collm.1 \
	    $(SHARE)/bash-completion/completions/collm $(SHARE)/zsh/site-functions/_collm
	rm -rf $(SHARE)/collm

# The layers of DESIGN §2 for every folder (engine -> nothing above it,
# widgets -> no engine, sessions -> engine only) and no circle between the
# folders of engine/.
check-layers:
	@sh .ci/check_layers.sh

$(LIB): $(ENGINE_OBJ)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

$(WLIB): $(WIDGET_OBJ)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

$(BIN): $(APP_OBJ) $(WLIB) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(APP_OBJ) $(WLIB) $(LIB) $(LDLIBS) $(CURSES_LIBS)

# The supernet's kernels are loops the compiler should vectorise (-O3);
# no -ffast-math, so results stay bit for bit those of -O2.
$(BUILD)/obj/engine/nn/nn.o $(BUILD)/obj/engine/nn/nn_dw.o: CFLAGS += -O3

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(if $(filter widgets/% tui/%,$<),$(CURSES_CFLAGS)) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c tests/unit/testutil.h tests/unit/fake_server.h tests/unit/search_util.h tests/unit/nn_testutil.h $(WLIB) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(CURSES_CFLAGS) $(TEST_CFLAGS) $(LDFLAGS) -pthread -o $@ $< $(WLIB) $(LIB) $(TEST_LIBS) $(LDLIBS) $(CURSES_LIBS)

$(BUILD)/tools/%: tests/tools/%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

$(BUILD)/fuzzers/%: tests/fuzz/%.c tests/fuzz/fuzz.h tests/fuzz/fuzz_space.h $(WLIB) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(CURSES_CFLAGS) -fsanitize=fuzzer $(LDFLAGS) -o $@ $< $(WLIB) $(LIB) $(LDLIBS) $(CURSES_LIBS)

# The same targets with the normal compiler, run on their seeds and on every
# input a fuzzer once broke them with.
$(BUILD)/tests/test_fuzz_%: tests/fuzz/%.c tests/fuzz/replay.c tests/fuzz/fuzz.h tests/fuzz/fuzz_space.h $(WLIB) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(CURSES_CFLAGS) -DFUZZ_TARGET='"$*"' $(LDFLAGS) -o $@ tests/fuzz/replay.c $< $(WLIB) $(LIB) $(LDLIBS) $(CURSES_LIBS)

$(BUILD)/bench/%: tests/bench/%.c $(WLIB) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(CURSES_CFLAGS) $(LDFLAGS) -o $@ $< $(WLIB) $(LIB) $(LDLIBS) $(CURSES_LIBS)

-include $(ENGINE_OBJ:.o=.d) $(APP_OBJ:.o=.d) $(WIDGET_OBJ:.o=.d)
