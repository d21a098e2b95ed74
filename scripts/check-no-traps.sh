#!/usr/bin/env bash
# scripts/check-no-traps.sh [DIR...] — finds code in Sources/Warden and Sources/WardenTools (or the
# DIRs) that can trap on user data:
#
#   force-unwrap   postfix `!` (`x!`, `f()!`, `a[i]!`), `try!`, `as!`
#   trap-call      fatalError, precondition, preconditionFailure, assertionFailure, unsafelyUnwrapped
#   float-to-int   `Int(…)`/`Int64(…)`/… of a floating-point expression (traps on NaN, ±inf, out of range)
#   conversion     any unlabelled integer conversion in the evaluation layer (core Types/, Regex/,
#                  Checker/, Interpreter/, FastPath/, Engine/; tools REPL/, Testing/, Streams/, CEL/,
#                  Text/DecisionText.swift) outside Interpreter/Arithmetic.swift, the checked arithmetic and conversion
#                  layer (use `exactly:`, `truncatingIfNeeded:`, `clamping:` or an Arithmetic helper)
#   raw-arithmetic `+ - *` (and `+= -= *=`) on a line handling Int64/UInt64 values in the evaluation
#                  layer outside Arithmetic.swift (use `addingReportingOverflow` & co.)
#   index          subscripts that are easy to get wrong: `a[0]`, `a[i + 1]`, `a[n - 1]`
#
# Comments and string literals are ignored. Justified spots are listed in
# scripts/no-traps-allowlist.txt as `PATH | FRAGMENT | REASON`: a finding is allowed when its file is
# PATH and its source line contains FRAGMENT (no line numbers, so edits elsewhere do not break it).
# Exit 0 and one summary line when every finding is allowed; exit 1 listing the others.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -gt 0 ]; then DIRS=("$@"); else DIRS=(Sources/Warden Sources/WardenTools); fi
ALLOW=scripts/no-traps-allowlist.txt
command -v perl >/dev/null || { echo "check-no-traps: missing: perl" >&2; exit 2; }

find "${DIRS[@]}" -name '*.swift' | sort | perl -e '
use strict; use warnings;
my $allowFile = shift;
my @allow;
if (open(my $a, "<", $allowFile)) {
    while (my $l = <$a>) {
        chomp $l;
        next if $l =~ /^\s*(#|$)/;
        my @p = map { s/^\s+|\s+$//gr } split(/\s\|\s/, $l, 3);
        if (@p < 3 || $p[2] eq "") { print STDERR "check-no-traps: $allowFile: entry without a reason: $l\n"; exit 2; }
        push @allow, { path => $p[0], frag => $p[1], reason => $p[2], used => 0, text => $l };
    }
}
my ($total, $allowed, @bad) = (0, 0);
while (my $file = <STDIN>) {
    chomp $file;
    open(my $fh, "<", $file) or die "$file: $!";
    my $evalLayer = ($file =~ m{Sources/Warden/(Types|Regex|Checker|Interpreter|FastPath|Engine)/|Sources/WardenTools/(REPL|Testing|Streams|CEL)/|/Text/DecisionText\.swift$} && $file !~ m{/Interpreter/Arithmetic\.swift$}) ? 1 : 0;
    my ($inBlock, $inMulti) = (0, 0);
    my $n = 0;
    # Names bound to Int64/UInt64 values anywhere in the file (`.int(let x)`, `x: Int64`): raw
    # arithmetic on them is flagged (file-wide, so a name reused for an Int may need an entry).
    my %wide;
    if ($evalLayer) {
        my @all = <$fh>;
        for (@all) {
            $wide{$1} = 1 while /\.u?int\(let (\w+)\)/g;
            $wide{$1} = 1 while /\b(\w+)\s*:\s*U?Int64\b/g;
        }
        seek($fh, 0, 0);
    }
    my $wideRe = %wide ? join("|", map { quotemeta } sort keys %wide) : "(?!)";
    while (my $raw = <$fh>) {
        $n++;
        chomp $raw;
        # Strip comments and string contents (a single-line approximation; """ blocks tracked).
        my $code = "";
        my $s = $raw;
        while (length $s) {
            if ($inBlock) { if ($s =~ s/^.*?\*\///) { $inBlock = 0; next } else { $s = ""; last } }
            if ($inMulti) { if ($s =~ s/^.*?"""//) { $inMulti = 0; $code .= q("") ; next } else { $s = ""; last } }
            if ($s =~ s/^\/\*//) { $inBlock = 1; next }
            if ($s =~ /^\/\//) { last }
            if ($s =~ s/^#?"""//) { $inMulti = 1; next }
            if ($s =~ s/^#"(?:[^"]|"(?!#))*"#//) { $code .= q(""); next }
            if ($s =~ s/^"(?:\\.|[^"\\])*"//) { $code .= q(""); next }
            $s =~ s/^(.)//s; $code .= $1;
        }
        my @hits;
        push @hits, "force-unwrap" if $code =~ /[\w\)\]\}]!(?!=)/ || $code =~ /\btry!|\bas!/;
        push @hits, "trap-call" if $code =~ /\b(fatalError|preconditionFailure|precondition|assertionFailure|unsafelyUnwrapped)\b/;
        my $label = qr/(?:exactly|truncatingIfNeeded|clamping|bitPattern|ascii|littleEndian|bigEndian|radix|_)\s*:/;
        while ($code =~ /\b(U?Int(?:8|16|32|64)?)\((?!\s*$label)([^\n]*)/g) {
            my $arg = $2;
            if ($arg =~ /\b(Double|Float|rounded|floor|ceil|trunc|sqrt|pow)\b/) { push @hits, "float-to-int"; last }
            if ($evalLayer && $arg !~ /^\s*\)/) { push @hits, "conversion"; last }
        }
        if ($evalLayer) {
            my $c = $code; $c =~ s/&[-+*]=?//g; $c =~ s/->//g;
            my $arith = qr/\s[-+*]=?\s/;
            if (($c =~ /\b(U?Int64)\b|\.u?int\(/ && $c =~ /[\w\)\]]$arith[\w\(\.]/)
                || $c =~ /(?<![\w.])(?:$wideRe)\b$arith/ || $c =~ /$arith(?:$wideRe)\b(?!\s*[:(])/) {
                push @hits, "raw-arithmetic";
            }
        }
        push @hits, "index" if $code =~ /\w\[0\]/ || $code =~ /\w\[[^\[\]]*\s[-+]\s*[\w.]+\]/;
        next unless @hits;
        for my $rule (@hits) {
            $total++;
            my $ok = 0;
            for my $e (@allow) {
                if ($e->{path} eq $file && index($raw, $e->{frag}) >= 0) { $e->{used}++; $ok = 1; last }
            }
            if ($ok) { $allowed++ } else { push @bad, sprintf("%s:%d: %s: %s", $file, $n, $rule, $raw =~ s/^\s+//r) }
        }
    }
}
for my $e (@allow) {
    print STDERR "check-no-traps: warning: allow-list entry matches nothing (remove it): $e->{text}\n" unless $e->{used};
}
if (@bad) {
    print "$_\n" for @bad;
    printf "check-no-traps: %d finding(s) not in %s (%d allowed). Fix them, or add `PATH | FRAGMENT | REASON`.\n", scalar(@bad), $allowFile, $allowed;
    exit 1;
}
printf "check-no-traps: ok (%d spots, all justified in %s)\n", $total, $allowFile;
' "$ALLOW"
