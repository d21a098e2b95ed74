// Line readers for `warden repl`: GNU readline on a terminal (editing, history, TAB completion,
// Ctrl-C), plain lines otherwise (no prompt, no echo, no escape codes, so input can be piped in).

@preconcurrency import CReadline
import Warden
import WardenTools

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// C callbacks cannot capture context, so their state lives in globals (one REPL per process).
nonisolated(unsafe) private var replCompleter: Completer?
nonisolated(unsafe) private var replCandidates: [String] = []
nonisolated(unsafe) private var replCandidateIndex = 0
nonisolated(unsafe) private var replSigint: sig_atomic_t = 0
nonisolated(unsafe) private var replInterrupted = false

/// Hands readline the candidates computed in `replAttemptedCompletion`, one per call.
private func replGenerator(_ text: UnsafePointer<CChar>?, _ state: Int32) -> UnsafeMutablePointer<CChar>? {
    guard replCandidateIndex < replCandidates.count else { return nil }
    defer { replCandidateIndex += 1 }
    return strdup(replCandidates[replCandidateIndex])  // readline frees it
}

/// TAB: asks the session's completer about the word before the cursor.
private func replAttemptedCompletion(_ text: UnsafePointer<CChar>?, _ start: Int32, _ end: Int32)
    -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
{
    rl_attempted_completion_over = 1  // never fall back to readline's own file-name completion
    let word = text.map { String(cString: $0) } ?? ""
    var before = ""
    if let buffer = rl_line_buffer, start > 0 {
        let bytes = UnsafeRawBufferPointer(start: UnsafeRawPointer(buffer), count: Int(start))
        before = String(decoding: bytes, as: UTF8.self)
    }
    replCandidates = replCompleter?.completions(for: word, lineBefore: before) ?? []
    replCandidateIndex = 0
    if replCandidates.isEmpty { return nil }
    if replCandidates.count == 1, replCandidates[0].hasSuffix("/") { rl_completion_append_character = 0 }
    return rl_completion_matches(text, replGenerator)
}

/// SIGINT handler: async-signal-safe, it only sets a flag.
private func replOnSigint(_: Int32) { replSigint = 1 }

/// Runs after `read` was interrupted by a signal: Ctrl-C clears the line and shows a fresh prompt.
private func replSignalHook() -> Int32 {
    if replSigint != 0 {
        replSigint = 0
        replInterrupted = true
        fputs("^C\n", rl_outstream ?? stdout)
        rl_replace_line("", 0)
        _ = rl_set_prompt(Session.prompt)
        rl_on_new_line()
        rl_redisplay()
    }
    return 0
}

/// Characters that end the word TAB completes (`.`, `/` and `:` stay in it: `ThreatLevel.me`,
/// `samples/a.war`, `:lo`).
nonisolated(unsafe) private let replWordBreaks = strdup(" \t\n\"'()[]{},=<>!&|+-*/%?;")

/// GNU readline: line editing, history in a file, TAB completion, Ctrl-C drops the entry.
struct ReadlineReader: LineReader {
    let historyPath: String?
    /// What readline returned after a Ctrl-C: given back on the next read, after `.interrupt`.
    var stashed: LineInput?
    /// The entry recorded last.
    var lastAdded: String?

    /// The history file: `WARDEN_HISTORY`, or `~/.warden_history`; nil when neither is known.
    static func defaultHistoryPath() -> String? {
        if let p = getenv("WARDEN_HISTORY") {
            let s = String(cString: p)
            return s.isEmpty ? nil : s
        }
        guard let home = getenv("HOME") else { return nil }
        return String(cString: home) + "/.warden_history"
    }

    init(historyPath: String?) {
        self.historyPath = historyPath
        rl_readline_name = UnsafePointer(strdup("warden"))
        rl_attempted_completion_function = replAttemptedCompletion
        rl_completer_word_break_characters = UnsafePointer(replWordBreaks)
        rl_catch_signals = 0  // readline must not install its own handlers (they would kill us)
        var sa = sigaction()
        sa.__sigaction_handler.sa_handler = replOnSigint
        sigemptyset(&sa.sa_mask)
        sa.sa_flags = 0  // no SA_RESTART: read() returns EINTR and the hook runs
        sigaction(SIGINT, &sa, nil)
        rl_signal_event_hook = replSignalHook
        using_history()
        stifle_history(1000)
        if let historyPath { _ = read_history(historyPath) }
    }

    mutating func readLine(prompt: String, completer: Completer) -> LineInput {
        if let s = stashed {
            stashed = nil
            return s
        }
        Output.flush()
        replCompleter = completer
        replInterrupted = false
        replSigint = 0
        let result: LineInput
        if let p = readline(prompt) {
            result = .line(String(cString: p))
            free(p)
        } else {
            Output.writeAll(1, Array("\n".utf8))  // Ctrl-D: end the prompt's line
            result = .end
        }
        if replInterrupted {
            replInterrupted = false
            stashed = result
            return .interrupt
        }
        return result
    }

    mutating func addHistory(_ entry: String) {
        if entry == lastAdded { return }  // the same entry twice in a row is recorded once
        lastAdded = entry
        add_history(entry)
        if let historyPath { _ = write_history(historyPath) }
    }
}

/// Standard input that is not a terminal: lines without prompts or echo.
struct PlainReader: LineReader {
    mutating func readLine(prompt: String, completer: Completer) -> LineInput {
        Output.flush()
        guard var line = Swift.readLine(strippingNewline: true) else { return .end }
        if line.hasSuffix("\r") { line.removeLast() }
        return .line(line)
    }
}
