#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Analysis
import Foundation
import GRDB
import JSON

/// Why the state file cannot be used; the run stops (exit 3) and the file is left as it was.
public struct HistoryError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// What one run hands to the state: its days, its visitors (keyed by hash) and its headline.
public struct NightRecord: Sendable {
    /// The run's days, in date order; the first may be cut (the oldest log rarely starts at midnight).
    public var days: [DayFigures]
    /// By visitor hash: sessions per start day and the last session.
    public var visitors: [UInt64: VisitorRecord]
    /// Headline figures by name (numbers), for the change since the previous night.
    public var headline: [String: Double]
    /// Lines read, for `history`.
    public var lines: Int

    public init(days: [DayFigures], visitors: [UInt64: VisitorRecord], headline: [String: Double], lines: Int) {
        self.days = days
        self.visitors = visitors
        self.headline = headline
        self.lines = lines
    }
}

/// The history after a run: every stored day, every stored visitor, and the previous night.
public struct HistorySnapshot: Sendable {
    public var days: [DayFigures]
    public var visitors: [VisitorRecord]
    /// The headline of the latest earlier night (a run whose last day is before this run's).
    public var previousHeadline: [String: Double]?
    /// Days of this run that were not written because the state already had them whole.
    public var keptDays: [Int64]
    /// Days dropped by `--keep-days`.
    public var prunedDays: Int
}

/// One stored night, as `uxchurn history` lists it.
public struct StoredRun: Sendable {
    public var id: Int64
    public var ranAt: String
    public var firstDay: Int64
    public var lastDay: Int64
    public var lines: Int
}

/// The SQLite state of nightly runs, through GRDB.
///
/// One file: per-day figures, per visitor (as a keyed hash) the sessions of each day it was
/// active and its last session, the runs, and the random key of the hashes. Each run writes in
/// one immediate transaction; SQLite's rollback journal keeps the previous state if the process
/// dies. A file that is not a uxchurn state, or is damaged, is refused before anything is written.
public final class HistoryStore {
    /// `PRAGMA application_id` of a uxchurn state: "UXCS".
    public static let applicationID: Int32 = 0x5558_4353
    public let path: String
    private let queue: DatabaseQueue
    /// The key of the visitor hashes, made on the first run.
    public let hasher: SipHash24

    /// Opens (or creates) the state.
    ///
    /// - Parameters:
    ///   - waitSeconds: how long to wait for another run holding the state.
    ///   - locking: hold the run's lock (`report`, `check`, `merge`); `history`, which only
    ///     reads, does not, so it answers while a nightly run goes on.
    public init(path: String, waitSeconds: Double = 60, locking: Bool = true) throws(HistoryError) {
        self.path = path
        let existed = Self.size(of: path).map { $0 > 0 } ?? false
        if existed { try Self.checkHeader(path) }
        // Released with the store, or, when a later step of this initialiser throws, at once.
        lock = locking ? try StateLock(path, waitSeconds: waitSeconds) : nil
        var configuration = Configuration()
        configuration.busyMode = .timeout(waitSeconds)
        configuration.label = "uxchurn-state"
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw Self.failure(path, error, waited: waitSeconds)
        }
        do {
            if existed {
                let (id, check) = try queue.read { db in
                    (try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0,
                     try String.fetchAll(db, sql: "PRAGMA quick_check"))
                }
                guard id == Self.applicationID else {
                    throw HistoryError(description: "\(path): not a uxchurn state file (an SQLite database of something else); it was left as it was")
                }
                guard check == ["ok"] else {
                    throw HistoryError(description: "\(path): the state file is damaged (\(check.prefix(2).joined(separator: "; "))); it was left as it was")
                }
            }
            try Self.migrator.migrate(queue)
            let salt = try queue.write { db -> [UInt8] in
                if let stored = try Data.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'visitor_key'") {
                    return [UInt8](stored)
                }
                var random = SystemRandomNumberGenerator()  // the system's cryptographic source
                let key = (0..<16).map { _ in UInt8.random(in: 0...255, using: &random) }
                try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('visitor_key', ?)", arguments: [Data(key)])
                return key
            }
            guard salt.count == 16 else { throw HistoryError(description: "\(path): the visitor key in the state file is damaged; it was left as it was") }
            hasher = SipHash24(key: salt)
        } catch let error as HistoryError {
            throw error
        } catch {
            throw Self.failure(path, error, waited: waitSeconds)
        }
        self.waitSeconds = waitSeconds
    }

    private let waitSeconds: Double
    /// The run's exclusive lock on the state file (nil for a reader).
    private let lock: StateLock?

    /// An error of SQLite as the run reports it: a busy state names the other run.
    static func failure(_ path: String, _ error: Error, waited: Double) -> HistoryError {
        if let error = error as? DatabaseError, error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
            return HistoryError(description: "\(path): another uxchurn run is using the state file; waited \(Int(waited.rounded(.up))) s (--state-wait) and gave up; the state is as that run leaves it")
        }
        return HistoryError(description: "\(path): cannot use the state file: \(reason(error)); it was left as it was")
    }

    /// Schema versions. A state from an older uxchurn is brought up to date on open.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            try db.execute(sql: """
                CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
                CREATE TABLE runs (
                    id INTEGER PRIMARY KEY, ran_at TEXT NOT NULL, first_day INTEGER NOT NULL,
                    last_day INTEGER NOT NULL, lines INTEGER NOT NULL, headline TEXT NOT NULL);
                CREATE TABLE days (
                    day INTEGER PRIMARY KEY, run INTEGER NOT NULL, sessions INTEGER NOT NULL,
                    visitors INTEGER NOT NULL, page_views INTEGER NOT NULL, bounces INTEGER NOT NULL,
                    load_p95 TEXT NOT NULL, load_p95_all REAL, funnels TEXT NOT NULL,
                    cart_sessions INTEGER NOT NULL, cart_abandoned INTEGER NOT NULL);
                CREATE TABLE visitor_days (
                    visitor INTEGER NOT NULL, day INTEGER NOT NULL, sessions INTEGER NOT NULL,
                    purchase_sessions INTEGER NOT NULL, PRIMARY KEY (visitor, day)) WITHOUT ROWID;
                CREATE INDEX visitor_days_by_day ON visitor_days (day);
                CREATE TABLE visitors (visitor INTEGER PRIMARY KEY, last_hit INTEGER NOT NULL, ending INTEGER NOT NULL);
                """)
        }
        // Frustration signals per day: NULL for the days stored before they were counted.
        migrator.registerMigration("v2") { db in
            try db.execute(sql: "ALTER TABLE days ADD COLUMN frustrated INTEGER")
            try db.execute(sql: "ALTER TABLE days ADD COLUMN signals TEXT")
        }
        return migrator
    }

    /// How `--keep-days` prunes: the newest `count` days up to `anchor` stay.
    public struct Retention: Sendable {
        public var count: Int
        /// The day counted back from: the run's own newest meaningful day (or its `--to`),
        /// never the newest stored day, which one future-dated line could set.
        public var anchor: Int64

        public init(count: Int, anchor: Int64) {
            self.count = count
            self.anchor = anchor
        }
    }

    /// Stores a night and returns the whole history, in one transaction.
    ///
    /// Each day of the night replaces the stored day, except the night's first day when the
    /// state already has it (the oldest input rarely starts at midnight, so an earlier night saw
    /// more of it). Visitors' days are replaced the same way; last sessions keep the later one.
    /// - Parameters:
    ///   - keep: prune days (and visitors active only then) before the newest `count` days up
    ///     to the anchor; a day this night wrote is never pruned.
    ///   - beforeCommit: given the history as it will be; the night is committed only when it
    ///     returns true (the report was written), else rolled back.
    /// - Returns: the history, or nil when `beforeCommit` declined.
    public func record(_ night: NightRecord, keep: Retention? = nil, ranAt: String,
                       beforeCommit: (HistorySnapshot) -> Bool = { _ in true }) throws(HistoryError) -> HistorySnapshot? {
        do {
            return try queue.writeWithoutTransaction { db in
                var snapshot: HistorySnapshot?
                try db.inTransaction(.immediate) {
                    let stored = try Self.record(night, keep: keep, ranAt: ranAt, in: db)
                    if getenv("UXCHURN_TEST_KILL_IN_STATE_WRITE") != nil { kill(getpid(), SIGKILL) }
                    guard beforeCommit(stored) else { return .rollback }
                    snapshot = stored
                    return .commit
                }
                return snapshot
            }
        } catch {
            throw Self.failure(path, error, waited: waitSeconds)
        }
    }

    private static func record(_ night: NightRecord, keep: Retention?, ranAt: String, in db: Database) throws -> HistorySnapshot {
        let lastDay = night.days.last?.day ?? Int64.min
        let previous = try String.fetchOne(db, sql: """
            SELECT headline FROM runs WHERE last_day < ? ORDER BY last_day DESC, id DESC LIMIT 1
            """, arguments: [lastDay])
        let previousHeadline = previous.flatMap { try? JSONValueDecoder().decode([String: Double].self, from: Array($0.utf8)) }
        var written = night.days
        var kept: [Int64] = []
        if let first = night.days.first,
           try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM days WHERE day = ?)", arguments: [first.day]) == true {
            written.removeFirst()
            kept.append(first.day)
        }
        try db.execute(sql: "INSERT INTO runs (ran_at, first_day, last_day, lines, headline) VALUES (?, ?, ?, ?, ?)",
                       arguments: [ranAt, night.days.first?.day ?? 0, night.days.last?.day ?? 0, night.lines,
                                   try JSONValueEncoder().text(night.headline)])
        let run = db.lastInsertedRowID
        let writtenDays = Set(written.map(\.day))
        let deleteDay = try db.makeStatement(sql: "DELETE FROM days WHERE day = ?")
        let deleteVisitorDays = try db.makeStatement(sql: "DELETE FROM visitor_days WHERE day = ?")
        let insertDay = try db.makeStatement(sql: """
            INSERT INTO days (day, run, sessions, visitors, page_views, bounces, load_p95, load_p95_all, funnels,
                              cart_sessions, cart_abandoned, frustrated, signals) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for day in written {
            try deleteDay.execute(arguments: [day.day])
            try deleteVisitorDays.execute(arguments: [day.day])
            try insertDay.execute(arguments: [
                day.day, run, day.sessions, day.visitors, day.pageViews, day.bounces,
                try JSONValueEncoder().text(day.loadP95), day.loadP95All,
                try JSONValueEncoder().text(day.funnels),
                day.cartSessions, day.cartAbandoned, day.frustrated, try day.signals.map { try JSONValueEncoder().text($0) },
            ])
        }
        let insertVisitorDay = try db.makeStatement(sql: "INSERT INTO visitor_days (visitor, day, sessions, purchase_sessions) VALUES (?, ?, ?, ?)")
        let upsertVisitor = try db.makeStatement(sql: """
            INSERT INTO visitors (visitor, last_hit, ending) VALUES (?, ?, ?)
            ON CONFLICT (visitor) DO UPDATE SET
                ending = CASE WHEN excluded.last_hit > last_hit THEN excluded.ending
                              WHEN excluded.last_hit = last_hit THEN ending | excluded.ending ELSE ending END,
                last_hit = max(last_hit, excluded.last_hit)
            """)
        for hash in night.visitors.keys.sorted() {
            guard let record = night.visitors[hash] else { continue }
            let visitor = Int64(bitPattern: hash)
            for entry in record.days where writtenDays.contains(entry.day) {
                try insertVisitorDay.execute(arguments: [visitor, entry.day, entry.activity.sessions, entry.activity.purchaseSessions])
            }
            try upsertVisitor.execute(arguments: [visitor, record.last.lastHit, Int(record.last.ending.rawValue)])
        }
        var pruned = 0
        if let keep {
            let cutoff = keep.anchor - Int64(keep.count) + 1
            let oldestWritten = writtenDays.min() ?? .max
            let prunedBefore = min(cutoff, oldestWritten)  // every day this night wrote stays
            pruned = try Int.fetchOne(db, sql: "SELECT count(*) FROM days WHERE day < ?", arguments: [prunedBefore]) ?? 0
            try db.execute(sql: "DELETE FROM days WHERE day < ?", arguments: [prunedBefore])
            try db.execute(sql: "DELETE FROM visitor_days WHERE day < ?", arguments: [prunedBefore])
            try db.execute(sql: "DELETE FROM visitors WHERE visitor NOT IN (SELECT visitor FROM visitor_days)")
        }
        return HistorySnapshot(days: try Self.days(db), visitors: try Self.visitors(db), previousHeadline: previousHeadline,
                               keptDays: kept, prunedDays: pruned)
    }

    /// Every stored day, in date order.
    static func days(_ db: Database) throws -> [DayFigures] {
        let decoder = JSONValueDecoder()
        return try Row.fetchAll(db, sql: """
            SELECT day, sessions, visitors, page_views, bounces, load_p95, load_p95_all, funnels, cart_sessions, cart_abandoned,
                   frustrated, signals
            FROM days ORDER BY day
            """).map { row in
            var day = DayFigures(day: row["day"])
            day.sessions = row["sessions"]
            day.visitors = row["visitors"]
            day.pageViews = row["page_views"]
            day.bounces = row["bounces"]
            day.loadP95 = (try? decoder.decode([GroupFigure].self, from: Array((row["load_p95"] as String).utf8))) ?? []
            day.loadP95All = row["load_p95_all"]
            day.funnels = (try? decoder.decode([FunnelDay].self, from: Array((row["funnels"] as String).utf8))) ?? []
            day.cartSessions = row["cart_sessions"]
            day.cartAbandoned = row["cart_abandoned"]
            day.frustrated = row["frustrated"]
            day.signals = (row["signals"] as String?).flatMap { try? decoder.decode(SignalCounts.self, from: Array($0.utf8)) }
            return day
        }
    }

    /// Every stored visitor with its active days, in hash order.
    static func visitors(_ db: Database) throws -> [VisitorRecord] {
        var records: [VisitorRecord] = []
        var current: Int64?
        var days: [(day: Int64, activity: VisitorDay)] = []
        var last = LastSession(lastHit: 0, ending: [])
        let rows = try Row.fetchCursor(db, sql: """
            SELECT d.visitor, d.day, d.sessions, d.purchase_sessions, v.last_hit, v.ending
            FROM visitor_days d JOIN visitors v ON v.visitor = d.visitor ORDER BY d.visitor, d.day
            """)
        while let row = try rows.next() {
            let visitor: Int64 = row[0]
            if visitor != current {
                if current != nil { records.append(VisitorRecord(days: days, last: last)) }
                current = visitor
                days = []
                last = LastSession(lastHit: row[4], ending: SessionEnding(rawValue: UInt8(truncatingIfNeeded: row[5] as Int)))
            }
            days.append((row[1], VisitorDay(sessions: row[2], purchaseSessions: row[3])))
        }
        if current != nil { records.append(VisitorRecord(days: days, last: last)) }
        return records
    }

    /// The stored nights, oldest first, and the stored days.
    public func contents() throws(HistoryError) -> (runs: [StoredRun], days: [DayFigures], visitors: Int) {
        do {
            return try queue.read { db in
                let runs = try Row.fetchAll(db, sql: "SELECT id, ran_at, first_day, last_day, lines FROM runs ORDER BY id").map { row in
                    StoredRun(id: row["id"], ranAt: row["ran_at"], firstDay: row["first_day"], lastDay: row["last_day"], lines: row["lines"])
                }
                return (runs, try Self.days(db), try Int.fetchOne(db, sql: "SELECT count(*) FROM visitors") ?? 0)
            }
        } catch {
            throw Self.failure(path, error, waited: waitSeconds)
        }
    }

    // MARK: - Checks before anything is written

    private static func size(of path: String) -> Int? {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : nil
    }

    /// An SQLite file starts with this header; anything else is not ours to open.
    private static func checkHeader(_ path: String) throws(HistoryError) {
        guard let file = fopen(path, "rb") else {
            throw HistoryError(description: "\(path): cannot read the state file: \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var header = [UInt8](repeating: 0, count: 16)
        let count = fread(&header, 1, 16, file)
        guard count == 16, header == Array("SQLite format 3\0".utf8) else {
            throw HistoryError(description: "\(path): not a uxchurn state file (not an SQLite database); it was left as it was")
        }
    }

    private static func reason(_ error: Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "\(error.resultCode)" }
        return "\(error)"
    }
}

/// An exclusive `flock` on the state file, held from a run's start to its end: a second run
/// waits for the whole first run, not only for its write, so two runs never both commit a night
/// computed from the same history.
final class StateLock {
    private let descriptor: Int32

    /// Takes the lock, waiting up to `waitSeconds`.
    init(_ path: String, waitSeconds: Double) throws(HistoryError) {
        descriptor = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw HistoryError(description: "\(path): cannot open the state file: \(String(cString: strerror(errno)))")
        }
        var waited = 0.0
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR, waited < waitSeconds else {
                let reason = errno == EWOULDBLOCK
                    ? "another uxchurn run is using the state file; waited \(Int(waitSeconds.rounded(.up))) s (--state-wait) and gave up; the state is as that run leaves it"
                    : "cannot lock the state file: \(String(cString: strerror(errno)))"
                close(descriptor)
                throw HistoryError(description: "\(path): \(reason)")
            }
            usleep(50_000)
            waited += 0.05
        }
    }

    deinit {
        // SQLite holds no lock between transactions, so closing this descriptor (which drops
        // the process's POSIX locks on the file) cannot take one from under it.
        close(descriptor)
    }
}
