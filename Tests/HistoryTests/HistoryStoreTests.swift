import Analysis
@testable import SampleShop
import Foundation
import Testing
@testable import History

final class Folder {
    let path = NSTemporaryDirectory() + "uxchurn-history-" + UUID().uuidString
    init() { try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

@Suite struct SipHashTests {
    /// Vectors of the SipHash reference implementation (key 00…0f, message 00…n−1).
    @Test func referenceVectors() {
        let hasher = SipHash24(key: Array(0..<16))
        #expect(hasher.hash([UInt8]()) == 0x726f_db47_dd0e_0e31)
        #expect(hasher.hash(Array(0..<15)) == 0xa129_ca61_49be_45e5)
    }
}

@Suite struct HistoryStoreTests {
    static func day(_ day: Int64, sessions: Int) -> DayFigures {
        var figures = DayFigures(day: day)
        figures.sessions = sessions
        figures.visitors = sessions
        figures.pageViews = sessions * 3
        figures.funnels = [FunnelDay(name: "checkout", started: sessions, converted: 1)]
        return figures
    }

    static func visitor(_ days: [Int64], lastHit: Int64, purchases: Int = 0) -> VisitorRecord {
        VisitorRecord(days: days.map { ($0, VisitorDay(sessions: 1, purchaseSessions: purchases)) },
                      last: LastSession(lastHit: lastHit, ending: []))
    }

    @Test func aNightRunTwiceCountsNothingTwice() throws {
        let folder = Folder()
        let store = try HistoryStore(path: folder.path + "/state.db")
        let night = NightRecord(days: [Self.day(100, sessions: 5), Self.day(101, sessions: 7)],
                                visitors: [1: Self.visitor([100, 101], lastHit: 101 * 86_400), 2: Self.visitor([101], lastHit: 101 * 86_400)],
                                headline: ["sessions": 12], lines: 40)
        let first = try #require(try store.record(night, ranAt: "t1"))
        let second = try #require(try store.record(night, ranAt: "t2"))
        #expect(first.days == second.days)
        #expect(second.days.map(\.sessions) == [5, 7])
        #expect(second.visitors.count == 2)
        #expect(second.visitors.map { $0.days.count }.sorted() == [1, 2])
        // The night's first day was stored already: kept, not replaced.
        #expect(second.keptDays == [100])
    }

    @Test func aLaterNightReplacesItsDaysButNotItsCutFirstDay() throws {
        let folder = Folder()
        let store = try HistoryStore(path: folder.path + "/state.db")
        _ = try store.record(NightRecord(days: [Self.day(100, sessions: 5), Self.day(101, sessions: 2)],
                                         visitors: [1: Self.visitor([100], lastHit: 100 * 86_400)], headline: ["sessions": 7], lines: 1), ranAt: "t1")
        // The next night sees the end of day 100 only, all of day 101 and day 102.
        let snapshot = try #require(try store.record(NightRecord(days: [Self.day(100, sessions: 1), Self.day(101, sessions: 6), Self.day(102, sessions: 4)],
                                                    visitors: [1: Self.visitor([102], lastHit: 102 * 86_400)], headline: ["sessions": 11], lines: 1),
                                        ranAt: "t2"))
        #expect(snapshot.days.map(\.sessions) == [5, 6, 4])
        #expect(snapshot.previousHeadline == ["sessions": 7])
        #expect(snapshot.visitors == [Self.visitor([100, 102], lastHit: 102 * 86_400)])
    }

    @Test func keepDaysPrunesDaysAndVisitors() throws {
        let folder = Folder()
        let store = try HistoryStore(path: folder.path + "/state.db")
        let days = (100...109).map { Self.day(Int64($0), sessions: 1) }
        let visitors: [UInt64: VisitorRecord] = [1: Self.visitor([100], lastHit: 100 * 86_400), 2: Self.visitor([105, 109], lastHit: 109 * 86_400)]
        _ = try store.record(NightRecord(days: days, visitors: visitors, headline: [:], lines: 1), ranAt: "t1")
        let snapshot = try #require(try store.record(NightRecord(days: [Self.day(109, sessions: 2)], visitors: [:], headline: [:], lines: 1),
                                                     keep: .init(count: 5, anchor: 109), ranAt: "t2"))
        #expect(snapshot.days.map(\.day) == [105, 106, 107, 108, 109])
        #expect(snapshot.prunedDays == 5)
        #expect(snapshot.visitors.count == 1)
        #expect(try store.contents().visitors == 1)
    }

    /// One line dated far in the future once set the newest stored day and pruned every other.
    @Test func keepDaysCountsBackFromTheAnchorAndKeepsTheNightsOwnDays() throws {
        let folder = Folder()
        let store = try HistoryStore(path: folder.path + "/state.db")
        _ = try store.record(NightRecord(days: (100...104).map { Self.day(Int64($0), sessions: 3) }, visitors: [:], headline: [:], lines: 1),
                             ranAt: "t1")
        let future: Int64 = 47_000  // 2098
        let night = NightRecord(days: [Self.day(105, sessions: 4), Self.day(future, sessions: 1)], visitors: [:], headline: [:], lines: 1)
        let snapshot = try #require(try store.record(night, keep: .init(count: 3, anchor: 105), ranAt: "t2"))
        #expect(snapshot.days.map(\.day) == [103, 104, 105, future])
        // An anchor after the night's days never removes them.
        let later = try #require(try store.record(NightRecord(days: [Self.day(106, sessions: 1)], visitors: [:], headline: [:], lines: 1),
                                                  keep: .init(count: 1, anchor: future), ranAt: "t3"))
        #expect(later.days.map(\.day) == [106, future])
    }

    @Test func aNightIsRolledBackWhenItsReportCannotBeWritten() throws {
        let folder = Folder()
        let store = try HistoryStore(path: folder.path + "/state.db")
        _ = try store.record(NightRecord(days: [Self.day(100, sessions: 5)], visitors: [:], headline: [:], lines: 1), ranAt: "t1")
        var seen: [Int64] = []
        let declined = try store.record(NightRecord(days: [Self.day(101, sessions: 2)], visitors: [1: Self.visitor([101], lastHit: 1)],
                                                    headline: [:], lines: 1), ranAt: "t2") { snapshot in
            seen = snapshot.days.map(\.day)
            return false
        }
        #expect(declined == nil)
        #expect(seen == [100, 101])
        let contents = try store.contents()
        #expect(contents.days.map(\.day) == [100])
        #expect(contents.runs.count == 1)
        #expect(contents.visitors == 0)
    }

    @Test func theVisitorKeyIsMadeOnceAndKept() throws {
        let folder = Folder()
        var a: HistoryStore? = try HistoryStore(path: folder.path + "/state.db")
        let first = a?.hasher.hash(Array("198.51.100.7".utf8))
        a = nil  // one run at a time holds the state
        let b = try HistoryStore(path: folder.path + "/state.db")
        #expect(first == b.hasher.hash(Array("198.51.100.7".utf8)))
        let other = Folder()
        let c = try HistoryStore(path: other.path + "/state.db")
        #expect(first != c.hasher.hash(Array("198.51.100.7".utf8)))
    }

    func refused(_ bytes: [UInt8], message: String) throws {
        let folder = Folder()
        let path = folder.path + "/state.db"
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        #expect {
            _ = try HistoryStore(path: path)
        } throws: { error in
            "\(error)".contains(message) && "\(error)".contains("left as it was")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(bytes), "the refused file was changed")
        #expect(!FileManager.default.fileExists(atPath: path + "-journal"))
    }

    @Test func aFileThatIsNotSQLiteIsRefusedUntouched() throws {
        try refused(Array("date,sessions\n2026-03-02,61\n".utf8), message: "not an SQLite database")
    }

    @Test func aDamagedStateIsRefusedUntouched() throws {
        let folder = Folder()
        let path = folder.path + "/state.db"
        _ = try HistoryStore(path: path).record(NightRecord(days: [Self.day(100, sessions: 5)], visitors: [:], headline: [:], lines: 1), ranAt: "t")
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        // Keep the header, scribble over the pages.
        for index in 100..<bytes.count { bytes[index] = UInt8(truncatingIfNeeded: index &* 31) }
        try refused(bytes, message: "state file")
    }

    @Test func anotherSQLiteDatabaseIsRefusedUntouched() throws {
        let folder = Folder()
        let path = folder.path + "/other.db"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('create table t(x)'); c.commit()", path]
        try process.run()
        process.waitUntilExit()
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        try refused(bytes, message: "an SQLite database of something else")
    }

    @Test func aSecondRunWaitsThenGivesUp() throws {
        let folder = Folder()
        let path = folder.path + "/state.db"
        let store = try HistoryStore(path: path, waitSeconds: 0.3)
        // Another process holds the write lock for two seconds.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import sqlite3,sys,time; c=sqlite3.connect(sys.argv[1], isolation_level=None); c.execute('begin immediate'); print('locked', flush=True); time.sleep(3)", path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        _ = out.fileHandleForReading.availableData  // "locked"
        #expect {
            _ = try HistoryStore(path: path, waitSeconds: 0.3)
        } throws: { error in
            "\(error)".contains("another uxchurn run is using the state file")
        }
        #expect {
            _ = try store.record(NightRecord(days: [Self.day(100, sessions: 1)], visitors: [:], headline: [:], lines: 1), ranAt: "t")
        } throws: { error in
            "\(error)".contains("another uxchurn run is using the state file")
        }
        process.waitUntilExit()
        // Once it is free, the run goes through.
        let snapshot = try store.record(NightRecord(days: [Self.day(100, sessions: 1)], visitors: [:], headline: [:], lines: 1), ranAt: "t")
        #expect(snapshot?.days.count == 1)
    }
}

@Suite struct RetentionTests {
    @Test func dailyCohortsReturningAndCustomers() {
        let day: Int64 = 20_514  // 2026-03-02
        let records = [
            VisitorRecord(days: [(day, VisitorDay(sessions: 1, purchaseSessions: 1)), (day + 2, VisitorDay(sessions: 2, purchaseSessions: 1))],
                          last: LastSession(lastHit: (day + 2) * 86_400, ending: [.abandonedCart])),
            VisitorRecord(days: [(day, VisitorDay(sessions: 1, purchaseSessions: 0))], last: LastSession(lastHit: day * 86_400, ending: [])),
            VisitorRecord(days: [(day + 1, VisitorDay(sessions: 1, purchaseSessions: 1))],
                          last: LastSession(lastHit: (day + 1) * 86_400, ending: [.errorExit, .slow])),
        ]
        let r = RetentionFigures.compute(records, end: (day + 3) * 86_400, inactiveDays: 1)
        #expect(r.returningVisitors == 1)
        #expect(r.cohortUnit == "day")
        #expect(r.cohorts.map(\.label) == ["2026-03-02", "2026-03-03"])
        #expect(r.cohorts[0].visitors == 2)
        #expect(r.cohorts[0].returned == [0, 1, nil, nil, nil, nil, nil])
        #expect(r.cohorts[1].returned == [0, nil, nil, nil, nil, nil, nil])
        #expect(r.customers == 2)
        #expect(r.repeatCustomers == 1)
        // The customer last seen on day + 1 has had no hit in the day before the end.
        #expect(r.churnedCustomers == 1)
        #expect(r.atRiskAbandonedCart == 1)
        #expect(r.atRiskErrorExit == 0)
    }

    @Test func weeklyCohortsPast28Days() {
        let monday: Int64 = 20_514  // 2026-03-02, a Monday: ISO week 10
        let records = [
            VisitorRecord(days: [(monday + 2, VisitorDay(sessions: 1)), (monday + 8, VisitorDay(sessions: 1))], last: LastSession(lastHit: 0, ending: [])),
            VisitorRecord(days: [(monday + 30, VisitorDay(sessions: 1))], last: LastSession(lastHit: 0, ending: [])),
        ]
        let r = RetentionFigures.compute(records, end: 0, inactiveDays: 30)
        #expect(r.cohortUnit == "week")
        #expect(r.cohorts.map(\.label) == ["2026-W10", "2026-W14"])
        #expect(r.cohorts[0].returned == [1, 0, 0, 0])
        #expect(r.cohorts[1].returned == [nil, nil, nil, nil])
    }

    /// Counts of visitors split over partitions add up to the figures of all of them at once,
    /// by day and by week (the unit is chosen only once every partition's days are known).
    @Test func countsOfPartitionsAddUpToTheWhole() {
        let start: Int64 = 20_514
        for span in [6, 40] {
            var generator = SplitMix64(seed: UInt64(span))
            let records = (0..<300).map { _ -> VisitorRecord in
                var day = start + Int64(generator.next() % UInt64(span))
                var days: [(day: Int64, activity: VisitorDay)] = []
                for _ in 0...(generator.next() % 4) where day < start + Int64(span) {
                    let purchases = Int(generator.next() % 3 == 0 ? 1 : 0)
                    days.append((day, VisitorDay(sessions: 1 + purchases, purchaseSessions: purchases)))
                    day += 1 + Int64(generator.next() % 9)
                }
                let ending = SessionEnding(rawValue: UInt8(generator.next() % 8))
                return VisitorRecord(days: days, last: LastSession(lastHit: (days[days.count - 1].day) * 86_400 + 3_600, ending: ending))
            }
            let end = (start + Int64(span)) * 86_400
            let whole = RetentionFigures.compute(records, end: end, inactiveDays: 3)
            var merged: RetentionCounts?
            for part in 0..<3 {
                var counts = RetentionCounts(end: end, inactiveDays: 3)
                for (index, record) in records.enumerated() where index % 3 == part { counts.add(record) }
                if merged == nil { merged = counts } else { merged?.merge(counts) }
            }
            #expect(merged?.figures == whole, "span \(span)")
            #expect(whole.cohortUnit == (span > 28 ? "week" : "day"))
            #expect(whole.customers > 0 && whole.churnedCustomers > 0 && whole.returningVisitors > 0)
        }
    }
}
