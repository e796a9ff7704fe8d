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

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "Print the nights stored in a history file, as a table.")

    @Option(help: "The history file that report and check --state write.")
    var state: String

    func run() throws {
        printOut(try HistoryJob.table(state: state))
    }
}
