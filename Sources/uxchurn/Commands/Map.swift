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

struct MapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Map step (Spark, Hadoop Streaming): log lines in, one VISITOR_HASH<TAB>compact hit line out per hit.",
        discussion: """
            Reads standard input (or the inputs named), parses and classifies the lines as report does, and \
            writes each page view and action with its visitor's hash first, then the input counts as an \
            #input side record. Run reduce on the output grouped by the first field (sort, or a shuffle).
            """)

    @OptionGroup var analysis: AnalysisOptions

    @OptionGroup var logs: InputArguments

    @Option(help: "The first input's place in the reading order of the whole job (from --plan), so ties in time break as in one run.")
    var rank = 0

    @Flag(help: "Print the inputs in reading order, one per line, and stop: the ranks for a driver.")
    var plan = false

    @Option(help: "The name the one input goes by in the report, when it is read under another path or from standard input.")
    var name: String?

    @Option(help: "With one input that is a byte range of a file (a driver's split): its place among the file's ranges, from 0.")
    var part: Int?

    func run() throws {
        if let part, part < 0 || part > Int(Int32.max) { throw ValidationError("--part must be from 0 to \(Int32.max)") }
        guard rank >= 0, rank <= Int(Int32.max) else { throw ValidationError("--rank must be from 0 to \(Int32.max)") }
        let options = try analysis.runOptions(logs.inputs, progressBar: false)
        if plan {
            for name in try MapJob.plan(options.inputs, format: options.format) { print(name) }
            return
        }
        try MapJob.run(options, rankOffset: rank, name: name, part: part, to: STDOUT_FILENO)
    }
}
