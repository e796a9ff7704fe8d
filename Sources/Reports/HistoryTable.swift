import Analysis
import History
import LogParsing

/// `uxchurn history`: the stored days and nights of a history file, as text tables.
public enum HistoryTable {
    public static func render(path: String, runs: [StoredRun], days: [DayFigures], visitors: Int) -> String {
        let contents = (runs: runs, days: days, visitors: visitors)
        var out = "\(path): \(contents.days.count) stored day\(contents.days.count == 1 ? "" : "s"), "
            + "\(contents.runs.count) night\(contents.runs.count == 1 ? "" : "s") run, \(Format.count(contents.visitors)) visitors (hashed)\n\n"
        let funnels = contents.days.flatMap { $0.funnels.map(\.name) }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let hasCart = contents.days.contains { $0.cartSessions > 0 }
        var header = ["date", "sessions", "visitors", "page views", "bounce rate"]
        header += funnels.map { "\($0) conversion" }
        if hasCart { header.append("cart abandonment") }
        header.append("p95 load")
        var rows = [header]
        for day in contents.days {
            var row = [CivilDate(daysSinceEpoch: day.day).description, Format.count(day.sessions), Format.count(day.visitors),
                       Format.count(day.pageViews), Format.percent(day.bounceRate)]
            row += funnels.map { Format.percent(day.conversion(of: $0)) }
            if hasCart { row.append(Format.percent(day.cartAbandonmentRate)) }
            row.append(Format.milliseconds(day.loadP95All))
            rows.append(row)
        }
        out += aligned(rows)
        if !contents.runs.isEmpty {
            out += "\nnights run\n"
            var runRows = [["#", "ran at (UTC)", "days in the logs", "lines"]]
            for run in contents.runs {
                runRows.append(["\(run.id)", run.ranAt, "\(CivilDate(daysSinceEpoch: run.firstDay)) – \(CivilDate(daysSinceEpoch: run.lastDay))",
                                Format.count(run.lines)])
            }
            out += aligned(runRows)
        }
        return out
    }

    /// Columns padded to their widest cell; numbers right-aligned.
    static func aligned(_ rows: [[String]]) -> String {
        guard let columns = rows.map(\.count).max() else { return "" }
        var widths = Array(repeating: 0, count: columns)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        var out = ""
        for (number, row) in rows.enumerated() {
            var line = ""
            for (index, cell) in row.enumerated() {
                let pad = String(repeating: " ", count: widths[index] - cell.count)
                let numeric = number > 0 && index > 0 && cell.first.map { $0.isNumber || $0 == "–" } == true
                line += (index == 0 ? "" : "  ") + (numeric ? pad + cell : cell + pad)
            }
            while line.hasSuffix(" ") { line.removeLast() }
            out += line + "\n"
        }
        return out
    }
}
