import Analysis
import History
import LogParsing
import Reports

/// `uxchurn history --state FILE`: the stored days and nights.
public enum HistoryJob {
    public static func table(state path: String) throws(RunError) -> String {
        guard fileExists(path) else { throw .input("\(path): no such state file") }
        let contents: (runs: [StoredRun], days: [DayFigures], visitors: Int)
        do {
            contents = try HistoryStore(path: path, waitSeconds: 5, locking: false).contents()
        } catch {
            throw .input(error.description)
        }
        return HistoryTable.render(path: path, runs: contents.runs, days: contents.days, visitors: contents.visitors)
    }
}
