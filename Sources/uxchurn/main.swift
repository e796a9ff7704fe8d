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
        version: uxchurnVersion,
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
    do {
        var command = try UXChurnCommand.parseAsRoot(arguments)
        try command.run()
        return 0
    } catch let error as RunError {
        printErr("uxchurn: error: \(error.description)")
        return exitCode(error)
    } catch {
        let code = UXChurnCommand.exitCode(for: error)
        let message = UXChurnCommand.fullMessage(for: error)
        if code == .success {
            if !message.isEmpty { print(message) }
            return 0
        }
        printErr(message)
        return 2
    }
}

exit(main())
