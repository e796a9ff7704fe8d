# uxchurn: build, install and package.
#
#   make                                  build the binary, the man pages and the completions
#   sudo make install PREFIX=/usr/local   install what make built (building first only if it has not)
#   sudo make uninstall PREFIX=/usr/local remove what install wrote
#   make deb                              dist/uxchurn_VERSION_ARCH.deb (scripts/build-deb.sh)

PREFIX  ?= /usr/local
DESTDIR ?=
SWIFT   ?= swift
STRIP   ?= strip

VERSION := $(shell sed -n 's/^public let uxchurnVersion = "\(.*\)"/\1/p' Sources/UXChurn/ReportJob.swift)
BIN     := .build/release/uxchurn
STAGE   := .build/install
# Where swift-argument-parser's GenerateManual plugin writes the uxchurn target's pages.
MANUAL  := .build/plugins/GenerateManual/outputs/uxchurn

BINDIR  := $(DESTDIR)$(PREFIX)/bin
MANDIR  := $(DESTDIR)$(PREFIX)/share/man/man1
DOCDIR  := $(DESTDIR)$(PREFIX)/share/doc/uxchurn
BASHDIR := $(DESTDIR)$(PREFIX)/share/bash-completion/completions
# Debian's zsh looks in vendor-completions under /usr (packages) and site-functions elsewhere.
ZSHDIR  := $(DESTDIR)$(PREFIX)/share/zsh/$(if $(filter /usr,$(PREFIX)),vendor-completions,site-functions)
FISHDIR := $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
DATADIR := $(DESTDIR)$(PREFIX)/share/uxchurn

.PHONY: all build man completions install uninstall deb clean

all: build man completions
	touch $(STAGE)/.built

# `sudo make install` after `make` installs what was built, without building again as root
# (where sudo's PATH may not even have swift); alone, it builds first.
$(STAGE)/.built:
	$(MAKE) all

# The release binary, with the Swift runtime and Foundation linked in, stripped of its symbols.
build:
	$(SWIFT) build -c release --product uxchurn
	mkdir -p $(STAGE)
	cp $(BIN) $(STAGE)/uxchurn
	$(STRIP) $(STAGE)/uxchurn

# uxchurn(1) and a page per command (uxchurn.report(1), …), from the commands' own help.
man: build
	rm -rf $(MANUAL) $(STAGE)/man1
	$(SWIFT) package generate-manual --multi-page --authors "the uxchurn contributors"
	mkdir -p $(STAGE)/man1
	cp $(MANUAL)/*.1 $(STAGE)/man1/

completions: build
	mkdir -p $(STAGE)/completions
	$(STAGE)/uxchurn --generate-completion-script bash > $(STAGE)/completions/uxchurn.bash
	$(STAGE)/uxchurn --generate-completion-script zsh > $(STAGE)/completions/_uxchurn
	$(STAGE)/uxchurn --generate-completion-script fish > $(STAGE)/completions/uxchurn.fish

install: $(STAGE)/.built
	install -d $(BINDIR) $(MANDIR) $(DOCDIR)/docs $(BASHDIR) $(ZSHDIR) $(FISHDIR) $(DATADIR)/spark
	install -m 755 $(STAGE)/uxchurn $(BINDIR)/uxchurn
	install -m 644 $(STAGE)/man1/*.1 $(MANDIR)/
	install -m 644 $(STAGE)/completions/uxchurn.bash $(BASHDIR)/uxchurn
	install -m 644 $(STAGE)/completions/_uxchurn $(ZSHDIR)/_uxchurn
	install -m 644 $(STAGE)/completions/uxchurn.fish $(FISHDIR)/uxchurn.fish
	install -m 644 README.md $(DOCDIR)/
	install -m 644 docs/*.md docs/*.json docs/*.png $(DOCDIR)/docs/
	install -m 644 contrib/spark/uxchurn_spark.py $(DATADIR)/spark/

uninstall:
	rm -f $(BINDIR)/uxchurn $(MANDIR)/uxchurn.1 $(MANDIR)/uxchurn.*.1
	rm -f $(BASHDIR)/uxchurn $(ZSHDIR)/_uxchurn $(FISHDIR)/uxchurn.fish
	rm -rf $(DOCDIR) $(DATADIR)

deb: all
	VERSION=$(VERSION) scripts/build-deb.sh

clean:
	rm -rf $(STAGE) dist
