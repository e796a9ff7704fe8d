import ArgumentParser
import LogParsing
import Reports
import CSystemCalls
import UXChurn
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct ReduceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reduce",
        abstract: "Reduce step: map output grouped by visitor hash in, one partial result (a JSON line) out.")

    @Option(name: [.short, .long], help: "Configuration file: the one map ran with.")
    var config: String?

    func run() throws {
        var options = RunOptions(inputs: [])
        options.configPath = config
        try ReduceJob.run(options, from: STDIN_FILENO, to: STDOUT_FILENO)
    }
}
