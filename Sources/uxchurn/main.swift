import ArgumentParser
import LogParsing
import Reports
import CSystemCalls
import LogInput
import UXChurn
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct UXChurnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uxchurn",
        abstract: "Turn a web shop's access logs into a UX-churn report.",
        discussion: """
            uxchurn reads access logs (plain or gzip; nginx, Apache, ingress-nginx, Traefik, Caddy, \
            ALB, CloudFront or W3C formats, or your own LogFormat) and follows visitors through \
            sessions: where they leave, how far they get through the purchase funnel, how slow the \
            pages are, which sessions show frustration. `uxchurn report LOGS` writes a folder with \
            index.html, report.md, charts and summary.json; `uxchurn check LOGS` tests the \
            thresholds of uxchurn.yml for CI; `--state FILE` keeps a nightly history.

            Start with `uxchurn sample-logs demo && uxchurn report demo`, then `uxchurn init LOGS` \
            for a uxchurn.yml fitted to your logs.

            Exit codes: 0 done; 1 a threshold breached (check, or --fail-on-breach); 2 a usage or \
            configuration mistake; 3 an input that cannot be read whole, too many lines that do not \
            parse, a damaged or busy --state file, or --max-memory passed.

            The guide (metrics, configuration, formats, nightly runs, CI, scale-out) is in docs/ \
            beside the source, installed in /usr/share/doc/uxchurn or PREFIX/share/doc/uxchurn.
            """,
        version: "\(uxchurnVersion) (gzip inflated by \(LogReader.inflateLibrary))",
        subcommands: [Report.self, Check.self, Init.self, HistoryCommand.self, Formats.self, SampleLogsCommand.self,
                      MapCommand.self, ReduceCommand.self, MergeCommand.self])
}

/// A message on stderr, whole (a NUL does not cut it) and with control characters visible.
func printErr(_ message: String) {
    var bytes = Array(Escape.controls(message, keeping: ["\n", "\t"]).utf8)
    bytes.append(0x0A)
    var written = 0
    while written < bytes.count {
        let count = bytes[written...].withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
        if count <= 0 { break }
        written += count
    }
}

/// Text for standard output (check's table, history's) with control characters
/// visible, as on stderr: file names and stored values may hold any byte.
func printOut(_ text: String) {
    print(Escape.controls(text, keeping: ["\n", "\t"]), terminator: "")
}

/// The arguments after the program's name. Where `/proc` is not mounted, Swift's
/// `CommandLine.arguments` is empty: then the ones the C runtime saved before `main`.
func commandLineArguments() -> [String]? {
    if !CommandLine.arguments.isEmpty { return Array(CommandLine.arguments.dropFirst()) }
    guard let argv = uxchurn_saved_argv(), uxchurn_saved_argc() > 0 else { return nil }
    return (1..<Int(uxchurn_saved_argc())).compactMap { argv[$0].map { String(cString: $0) } }
}

/// The exit code of a run that stopped: 1 thresholds breached, 2 a usage or configuration
/// mistake, 3 an input that cannot be read (or read whole).
func exitCode(_ error: RunError) -> Int32 {
    switch error {
    case .configuration: return 2
    case .input, .inputFaults: return 3
    case .breached: return 1
    }
}

/// Writes a text file whole (JUnit XML, `--summary-json`).
func writeText(_ text: String, to path: String) throws(RunError) {
    do {
        try writeFile(path, Array(text.utf8))
    } catch {
        throw .input("\(error)")
    }
}

/// Appends to a text file (GitHub's step summary).
func appendText(_ text: String, to path: String) throws(RunError) {
    do {
        let existing = fileExists(path) ? try readTextFile(path) : ""
        try writeFile(path, Array((existing + text).utf8))
    } catch {
        throw .input("\(error)")
    }
}

/// Maps every failure to the documented exit codes: 2 usage or configuration, 3 input.
func main() -> Int32 {
    guard let arguments = commandLineArguments() else {
        printErr("uxchurn: error: cannot read the command line (is /proc mounted?)")
        return 2
    }
    // `uxchurn help reprot` would print the general help and succeed.
    if arguments.count >= 2, arguments[0] == "help", let message = unknownSubcommandMessage(Array(arguments.dropFirst())) {
        printErr(message)
        return 2
    }
    var command: any ParsableCommand
    do {
        command = try UXChurnCommand.parseAsRoot(arguments)
    } catch {
        if UXChurnCommand.exitCode(for: error) == .success {
            let message = UXChurnCommand.fullMessage(for: error, columns: nil)
            if !message.isEmpty { print(message) }
            return 0
        }
        printErr(unknownSubcommandMessage(arguments) ?? UXChurnCommand.fullMessage(for: error, columns: nil))
        return 2
    }
    do {
        try command.run()
        return 0
    } catch let error as RunError {
        printErr("uxchurn: error: \(error.description)")
        return exitCode(error)
    } catch where UXChurnCommand.exitCode(for: error) == .success {
        // `--help` and `--version` end a command's run this way.
        let message = UXChurnCommand.fullMessage(for: error, columns: nil)
        if !message.isEmpty { print(message) }
        return 0
    } catch {
        // An option value refused once the command runs: the message, then that command's usage.
        printErr(usageMessage(UXChurnCommand.message(for: error), for: type(of: command)))
        return 2
    }
}

/// "Error: …", the usage of `subcommand` and where its help is, as the argument parser words
/// its own errors.
func usageMessage(_ message: String, for subcommand: any ParsableCommand.Type) -> String {
    let name = subcommand == UXChurnCommand.self ? "uxchurn" : "uxchurn \(subcommand._commandName)"
    return "Error: \(message)\nUsage: \(UXChurnCommand.usageString(for: subcommand))\n  See '\(name) --help' for more information."
}

/// When the first argument is not an option nor a subcommand: the subcommand it looks like
/// ("Did you mean 'report'?"), or, for a log file or folder named first, how to analyse it.
func unknownSubcommandMessage(_ arguments: [String]) -> String? {
    guard let first = arguments.first, !first.isEmpty, !first.hasPrefix("-") else { return nil }
    let names = UXChurnCommand.configuration.subcommands.map { $0._commandName } + ["help"]
    guard !names.contains(first) else { return nil }
    let shown = Escape.controls(first, keeping: [])
    // A log file or folder named first (`uxchurn access.log`, `uxchurn maps/`): how to analyse it.
    if fileExists(first) || first.contains("/") || first.contains(".log") {
        return usageMessage("'\(shown)' is not a uxchurn command. To analyse it: uxchurn report \(shown)", for: UXChurnCommand.self)
    }
    if let guess = Spelling.closest(to: first, among: names) {
        return usageMessage("'\(shown)' is not a uxchurn command. Did you mean '\(guess)'?", for: UXChurnCommand.self)
    }
    let started = names.filter { $0.hasPrefix(first) }
    if started.count > 1 {
        let listed = started.dropLast().map { "'\($0)'" }.joined(separator: ", ") + " or '\(started[started.count - 1])'"
        return usageMessage("'\(shown)' is not a uxchurn command. Did you mean \(listed)?", for: UXChurnCommand.self)
    }
    return usageMessage("'\(shown)' is not a uxchurn command; the commands are: \(names.dropLast().joined(separator: ", "))",
                        for: UXChurnCommand.self)
}

exit(main())
