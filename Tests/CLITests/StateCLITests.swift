import Foundation
import Testing

/// `--state`, `--keep-days` and `history` through the binary.
@Suite struct StateCLITests {
    let cli = CLITests()
    static let sample = CLITests.packageRoot + "/fixtures/sample"

    /// The sample's first day alone, then its first two days, as two nights.
    func nights(_ dir: String) throws -> (String, String) {
        let first = dir + "/night1", second = dir + "/night2"
        for folder in [first, second] { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        try FileManager.default.copyItem(atPath: Self.sample + "/access.log.2.gz", toPath: first + "/access.log.1.gz")
        try FileManager.default.copyItem(atPath: Self.sample + "/access.log.2.gz", toPath: second + "/access.log.1.gz")
        try FileManager.default.copyItem(atPath: Self.sample + "/access.log.1", toPath: second + "/access.log")
        return (first, second)
    }

    @Test func aKilledRunLeavesThePreviousStateUsable() throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (first, second) = try nights(dir)
        let state = dir + "/state.db"
        #expect(try cli.run(["report", "--quiet", "--state", state, "-o", dir + "/r1", first]).status == 0)
        let before = try cli.run(["history", "--state", state])
        #expect(before.stdout.contains("1 stored day"))
        // Killed inside the transaction that stores the second night.
        let killed = try cli.run(["report", "--quiet", "--state", state, "-o", dir + "/r2", second],
                                 environment: ["UXCHURN_TEST_KILL_IN_STATE_WRITE": "1"])
        #expect(killed.status == 128 + 9)
        #expect(!FileManager.default.fileExists(atPath: dir + "/r2/index.html"))
        let after = try cli.run(["history", "--state", state])
        #expect(after.status == 0, "\(after.stderr)")
        #expect(after.stdout == before.stdout)
        // The next run goes through.
        let again = try cli.run(["report", "--quiet", "--state", state, "-o", dir + "/r2", second])
        #expect(again.status == 0, "\(again.stderr)")
        let history = try cli.run(["history", "--state", state])
        #expect(history.stdout.contains("2 stored days, 2 nights run"))
        #expect(history.stdout.contains("2026-03-03"))
    }

    @Test func aCorruptStateIsRefusedWithExitThreeAndLeftAsItWas() throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let state = dir + "/state.db"
        let junk = Data("SQLite format 3\0".utf8) + Data(repeating: 0xAB, count: 8192)
        _ = FileManager.default.createFile(atPath: state, contents: junk)
        let result = try cli.run(["report", "--quiet", "--state", state, "-o", dir + "/r", Self.sample])
        #expect(result.status == 3)
        #expect(result.stderr.contains(state))
        #expect(result.stderr.contains("left as it was"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: state)) == junk)
        #expect(!FileManager.default.fileExists(atPath: dir + "/r"))
        let foreign = dir + "/notes.txt"
        _ = FileManager.default.createFile(atPath: foreign, contents: Data("not a database\n".utf8))
        let other = try cli.run(["check", "--state", foreign, Self.sample])
        #expect(other.status == 3)
        #expect(other.stderr.contains("not a uxchurn state file"))
        #expect(try String(contentsOfFile: foreign, encoding: .utf8) == "not a database\n")
    }

    @Test func keepDaysNeedsState() throws {
        let result = try cli.run(["report", "--keep-days", "30", Self.sample])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--keep-days needs --state"))
    }

    @Test func historyPrintsTheStoredNightsAndPrunes() throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let state = dir + "/state.db"
        #expect(try cli.run(["report", "--quiet", "--state", state, "-o", dir + "/r", Self.sample]).status == 0)
        let full = try cli.run(["history", "--state", state])
        #expect(full.status == 0)
        #expect(full.stdout.contains("3 stored days, 1 night run"))
        #expect(full.stdout.contains("2026-03-02        61        53         205        27.9%"))
        #expect(try cli.run(["report", "--quiet", "--state", state, "--keep-days", "2", "-o", dir + "/r", Self.sample]).status == 0)
        let pruned = try cli.run(["history", "--state", state])
        #expect(pruned.stdout.contains("2 stored days, 2 nights run"))
        #expect(!pruned.stdout.contains("2026-03-02        61"))
        let missing = try cli.run(["history", "--state", dir + "/none.db"])
        #expect(missing.status == 3)
        #expect(!FileManager.default.fileExists(atPath: dir + "/none.db"))
    }
}

/// `--max-memory` and the progress bar through the binary (issue 7).
@Suite struct LimitsCLITests {
    let cli = CLITests()

    @Test func overTheMemoryLimitIsExitThreeWithNoReport() throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try cli.run(["report", "--max-memory", "4M", "-o", dir + "/r", StateCLITests.sample])
        #expect(result.status == 3)
        #expect(result.stderr.contains("over --max-memory 4 MiB"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/r"))
        let bad = try cli.run(["report", "--max-memory", "lots", StateCLITests.sample])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--max-memory takes a size"))
    }

    @Test func noProgressBarWhenStderrIsNotATerminal() throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let plain = try cli.run(["report", "-o", dir + "/r", StateCLITests.sample])
        #expect(plain.status == 0)
        #expect(!plain.stderr.contains("\r"))
        let forced = try cli.run(["report", "--progress", "-o", dir + "/r", StateCLITests.sample])
        #expect(forced.status == 0)
        #expect(forced.stderr.contains("uxchurn ["))
        #expect(forced.stderr.contains("\r\u{1B}[K"))
        let quiet = try cli.run(["report", "--quiet", "--progress", "-o", dir + "/r", StateCLITests.sample])
        #expect(quiet.stderr.isEmpty)
    }
}
