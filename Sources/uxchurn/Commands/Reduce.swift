import ArgumentParser
import LogParsing
import Reports
import CSystemCalls
import UXChurn
import Sessions
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

    @Option(name: .customLong("inputs"), help: ArgumentHelp(
        "The #input side records of every map task of the job (one per line): visitors are then written as counts, not one record each.",
        discussion: "Partials written so stay small however many visitors there are; merge cannot keep a history (--state) from them."))
    var allInputs: String?

    @Option(help: "With --inputs: the --to the job runs with, for the period's end.")
    var to: String?

    func run() throws {
        var options = RunOptions(inputs: [])
        options.configPath = config
        if let to {
            let bound = try timeBound("--to", to)
            guard allInputs != nil else { throw ValidationError("--to needs --inputs FILE: it only sets the period's end of visitors written as counts") }
            options.window = TimeWindow(to: bound)
        }
        try ReduceJob.run(options, allInputs: allInputs, from: STDIN_FILENO, to: STDOUT_FILENO)
    }
}
