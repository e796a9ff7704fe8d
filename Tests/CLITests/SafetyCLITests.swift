import Foundation
import Testing

/// The hard cases of real machines: `-o` never deletes what uxchurn did not write, a killed run
/// leaves a whole report, the history survives odd dates and parallel runs.
@Suite struct ReportFolderCLITests {
    let cli = CLITests()
    static let sample = CLITests.packageRoot + "/fixtures/sample"

    func contents(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }

    @Test func aFolderOfTheUsersFilesIsRefusedUntouched() throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/u/sub", withIntermediateDirectories: true)
        try Data("x\n".utf8).write(to: URL(fileURLWithPath: dir + "/u/thesis.txt"))
        let result = try cli.run(["report", "--quiet", "-o", dir + "/u", Self.sample])
        #expect(result.status == 2)
        #expect(result.stderr.contains("uxchurn did not write"), "\(result.stderr)")
        #expect(contents(dir + "/u") == ["sub", "thesis.txt"])
        // The current folder, too.
        let here = try cli.run(["report", "--quiet", "-o", ".", Self.sample], in: dir + "/u")
        #expect(here.status == 2)
        #expect(contents(dir + "/u") == ["sub", "thesis.txt"])
    }

    @Test func theInputFolderAndTheStateFileAreNeverInsideTheReport() throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: Self.sample, toPath: dir + "/L")
        let logs = contents(dir + "/L")
        let result = try cli.run(["report", "--quiet", "-o", dir + "/L", dir + "/L"])
        #expect(result.status == 2)
        #expect(contents(dir + "/L") == logs)
        // An earlier report's folder may not hold this run's state file, even a new one.
        #expect(try cli.run(["report", "--quiet", "-o", dir + "/rep", Self.sample]).status == 0)
        let state = try cli.run(["report", "--quiet", "--state", dir + "/rep/state.db", "-o", dir + "/rep", Self.sample])
        #expect(state.status == 2)
        #expect(state.stderr.contains("rep/state.db"), "\(state.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/rep/state.db"))
        // Nor an input read from inside it.
        let input = try cli.run(["report", "--quiet", "-o", dir + "/rep", dir + "/rep/summary.json"])
        #expect(input.status == 2)
    }

    @Test func anEarlierReportIsReplacedButNotAFileAddedToIt() throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/empty", withIntermediateDirectories: true)
        #expect(try cli.run(["report", "--quiet", "-o", dir + "/empty", Self.sample]).status == 0)
        #expect(contents(dir + "/empty").contains(".uxchurn-report"))
        #expect(try cli.run(["report", "--quiet", "-o", dir + "/empty", Self.sample]).status == 0)
        #expect(contents(dir) == ["empty"], "no folder left beside the report")
        try Data("deny from all\n".utf8).write(to: URL(fileURLWithPath: dir + "/empty/.htaccess"))
        let result = try cli.run(["report", "--quiet", "-o", dir + "/empty", Self.sample])
        #expect(result.status == 2)
        #expect(result.stderr.contains(".htaccess"))
        #expect(FileManager.default.fileExists(atPath: dir + "/empty/.htaccess"))
        #expect(FileManager.default.fileExists(atPath: dir + "/empty/index.html"))
    }

    @Test func aSymbolicLinkIsFollowedOnlyToAReportFolder() throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/mine", withIntermediateDirectories: true)
        try Data("x\n".utf8).write(to: URL(fileURLWithPath: dir + "/mine/notes.txt"))
        try FileManager.default.createSymbolicLink(atPath: dir + "/link", withDestinationPath: dir + "/mine")
        #expect(try cli.run(["report", "--quiet", "-o", dir + "/link", Self.sample]).status == 2)
        #expect(contents(dir + "/mine") == ["notes.txt"])
        #expect(try cli.run(["report", "--quiet", "-o", dir + "/rep", Self.sample]).status == 0)
        try FileManager.default.removeItem(atPath: dir + "/link")
        try FileManager.default.createSymbolicLink(atPath: dir + "/link", withDestinationPath: dir + "/rep")
        #expect(try cli.run(["report", "--quiet", "-o", dir + "/link", Self.sample]).status == 0)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/link") == dir + "/rep")
        #expect(contents(dir + "/rep").contains("index.html"))
    }

    @Test func aRunKilledDuringTheSwapLeavesTheOldReportAndTheNextRunCleansUp() throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try cli.run(["report", "--quiet", "-o", dir + "/rep", Self.sample]).status == 0)
        let killed = try cli.run(["report", "--quiet", "-o", dir + "/rep", Self.sample],
                                 environment: ["UXCHURN_TEST_KILL_IN_REPORT_WRITE": "1"])
        #expect(killed.status == 128 + 9)
        #expect(contents(dir + "/rep").contains("index.html"), "the old report stays whole")
        #expect(contents(dir).contains { $0.hasPrefix(".rep.uxchurn-") })
        #expect(try cli.run(["report", "--quiet", "-o", dir + "/rep", Self.sample]).status == 0)
        #expect(contents(dir) == ["rep"], "the killed run's folder is gone")
        // SIGTERM during the swap waits until the new report is in place. (The test runner's
        // threads block SIGTERM, and a child inherits that: python unblocks it before exec.)
        let before = try FileManager.default.attributesOfItem(atPath: dir + "/rep/index.html")[.systemFileNumber] as? Int
        let stopped = Process()
        stopped.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        stopped.arguments = ["python3", "-c", "import os, signal, sys; signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM]); os.execv(sys.argv[1], sys.argv[1:])",
                             CLITests.binary, "report", "--quiet", "-o", dir + "/rep", Self.sample]
        stopped.environment = ProcessInfo.processInfo.environment.merging(["UXCHURN_TEST_KILL_IN_REPORT_WRITE": "TERM"]) { _, new in new }
        try stopped.run()
        stopped.waitUntilExit()
        #expect(stopped.terminationReason == .uncaughtSignal && stopped.terminationStatus == SIGTERM)
        #expect(contents(dir) == ["rep"])
        let after = try FileManager.default.attributesOfItem(atPath: dir + "/rep/index.html")[.systemFileNumber] as? Int
        #expect(after != nil && after != before, "the new report is the one in place")
    }

    /// `--junit` into the report folder is written with the report, so the next night's run
    /// still finds only files uxchurn wrote.
    @Test func aJUnitFileInsideTheReportFolderIsPartOfTheReport() throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for _ in 0..<2 {
            let result = try cli.run(["report", "--quiet", "-c", CLITests.packageRoot + "/fixtures/check.yml",
                                      "--junit", dir + "/rep/junit.xml", "-o", dir + "/rep", Self.sample])
            #expect(result.status == 0, "\(result.stderr)")
        }
        #expect(contents(dir + "/rep").contains("junit.xml"))
        let marker = try String(contentsOfFile: dir + "/rep/.uxchurn-report", encoding: .utf8)
        #expect(marker.split(separator: "\n").contains("junit.xml"))
        let junit = try String(contentsOfFile: dir + "/rep/junit.xml", encoding: .utf8)
        #expect(junit.contains("<testsuite"))
    }
}

@Suite struct HistorySafetyCLITests {
    let cli = CLITests()

    func days(_ summary: String) throws -> [String] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summary))) as? [String: Any]
        return (json?["days"] as? [[String: Any]] ?? []).compactMap { $0["date"] as? String }
    }

    @Test func oneFutureDatedLineDoesNotPruneTheHistory() throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let state = dir + "/state.db"
        let sample = ReportFolderCLITests.sample
        #expect(try cli.run(["report", "--quiet", "--state", state, "-o", dir + "/r", sample + "/access.log.2.gz"]).status == 0)
        let before = try days(dir + "/r/summary.json")
        var night = try Data(contentsOf: URL(fileURLWithPath: sample + "/access.log.1"))
        let future = #"203.0.113.9 - - [04/Mar/2099:10:00:00 -0500] "GET / HTTP/1.1" 200 5120 "-" "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/124.0" 120000"#
        night.append(Data((future + "\n").utf8))
        try night.write(to: URL(fileURLWithPath: dir + "/access.log.1"))
        let result = try cli.run(["report", "--quiet", "--max-bad-lines", "100%", "--state", state, "--keep-days", "400",
                                  "-o", dir + "/r", dir + "/access.log.1"])
        #expect(result.status == 0, "\(result.stderr)")
        let after = try days(dir + "/r/summary.json")
        #expect(Set(before).isSubset(of: after))
        #expect(after.last == "2099-03-04")
    }

    @Test func aSecondRunWaitsFromTheStartOfTheFirst() throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let state = dir + "/state.db"
        // The first run holds the state while it still reads its standard input.
        let first = Process()
        first.executableURL = URL(fileURLWithPath: CLITests.binary)
        first.arguments = ["report", "--quiet", "--state", state, "-o", dir + "/a", "-"]
        let input = Pipe()
        first.standardInput = input
        first.standardError = FileHandle.nullDevice
        try first.run()
        var waited = 0
        while !FileManager.default.fileExists(atPath: state), waited < 100 { usleep(50_000); waited += 1 }
        usleep(300_000)
        let second = try cli.run(["report", "--quiet", "--state", state, "--state-wait", "0.2", "-o", dir + "/b",
                                  ReportFolderCLITests.sample])
        #expect(second.status == 3)
        #expect(second.stderr.contains("another uxchurn run is using the state file"), "\(second.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/b"))
        try input.fileHandleForWriting.write(contentsOf: Data(contentsOf: URL(fileURLWithPath: ReportFolderCLITests.sample + "/access.log.1")))
        try input.fileHandleForWriting.close()
        first.waitUntilExit()
        #expect(first.terminationStatus == 0)
        let history = try cli.run(["history", "--state", state])
        #expect(history.stdout.contains("1 night run"), "\(history.stdout)")
    }
}

/// Inputs that are not regular files are read once: the format probe's bytes are replayed.
@Suite struct StreamInputCLITests {
    let cli = CLITests()
    static let sample = ReportFolderCLITests.sample

    func lines(_ folder: String) throws -> Int? {
        try cli.input(folder)["lines"] as? Int
    }

    @Test func processSubstitutionsAreReadWhole() throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let whole = try cli.run(["report", "--quiet", "-o", dir + "/files", Self.sample + "/access.log.1", Self.sample + "/access.log"])
        #expect(whole.status == 0)
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/bash")
        shell.arguments = ["-c", #""$0" report --quiet -o "$1/both" <(cat "$2/access.log.1" "$2/access.log") && "$0" report --quiet -o "$1/head" <(head -100 "$2/access.log")"#,
                           CLITests.binary, dir, Self.sample]
        try shell.run()
        shell.waitUntilExit()
        #expect(shell.terminationStatus == 0)
        #expect(try lines(dir + "/both") == lines(dir + "/files"))
        #expect(try lines(dir + "/head") == 100)
    }

    @Test func aNamedPipeIsReadOnceAndDoesNotHang() throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(mkfifo(dir + "/fifo", 0o600) == 0)
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/bin/sh")
        writer.arguments = ["-c", #"cat "$0" > "$1""#, Self.sample + "/access.log.1", dir + "/fifo"]
        try writer.run()
        let result = try cli.run(["report", "--quiet", "-o", dir + "/r", dir + "/fifo"])
        writer.waitUntilExit()
        #expect(try cli.run(["report", "--quiet", "-o", dir + "/file", Self.sample + "/access.log.1"]).status == 0)
        let expected = try #require(try lines(dir + "/file"))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try lines(dir + "/r") == expected)
        // /dev/stdin as a pipe, too.
        let stdin = try cli.run(["report", "--quiet", "-o", dir + "/s", "/dev/stdin"],
                                stdin: Data(contentsOf: URL(fileURLWithPath: Self.sample + "/access.log.1")))
        #expect(stdin.status == 0, "\(stdin.stderr)")
        #expect(try lines(dir + "/s") == expected)
    }
}

/// A report that cannot be written (a full disk) leaves the history as it was.
@Suite struct FullDiskCLITests {
    let cli = CLITests()

    @Test(.enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare")))
    func aFullDiskCommitsNothingToTheState() throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/small", withIntermediateDirectories: true)
        let state = dir + "/state.db"
        // The report folder on a 64 KiB file system of its own, in a private mount namespace.
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        shell.arguments = ["-m", "/bin/sh", "-c", #"mount -t tmpfs -o size=64k none "$1/small" && exec "$0" report --quiet --state "$1/state.db" -o "$1/small/rep" "$2""#,
                           CLITests.binary, dir, ReportFolderCLITests.sample]
        let err = Pipe()
        shell.standardError = err
        try shell.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        shell.waitUntilExit()
        #expect(shell.terminationStatus == 3, "\(message)")
        #expect(message.contains("No space left on device"), "\(message)")
        let history = try cli.run(["history", "--state", state])
        #expect(history.status == 0, "\(history.stderr)")
        #expect(history.stdout.contains("0 stored days, 0 nights run"), "\(history.stdout)")
    }
}

/// A quiet site: one future-dated view among fifty is 2% of the night, yet moves nothing.
@Suite struct QuietSiteHistoryCLITests {
    let cli = CLITests()

    func log(day: String, views: Int, hourOffset: Int = 0) -> String {
        (0..<views).map { index in
            #"192.0.2.\#(index % 20) - - [\#(day):\#(String(format: "%02d", 8 + index % 10)):\#(String(format: "%02d", index % 60)):00 -0500] "GET /p/\#(index % 7) HTTP/1.1" 200 512 "-" "Mozilla/5.0 (Windows NT 10.0) Firefox/124.0" 1000"#
        }.joined(separator: "\n") + "\n"
    }

    @Test func oneFutureViewOnAQuietNightKeepsTheHistory() throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let state = dir + "/state.db"
        try Data((log(day: "01/Mar/2026", views: 20) + log(day: "02/Mar/2026", views: 20)).utf8)
            .write(to: URL(fileURLWithPath: dir + "/one.log"))
        #expect(try cli.run(["report", "--quiet", "--state", state, "-o", dir + "/r", dir + "/one.log"]).status == 0)
        try Data((log(day: "03/Mar/2026", views: 50) + log(day: "04/Mar/2099", views: 1)).utf8)
            .write(to: URL(fileURLWithPath: dir + "/two.log"))
        let result = try cli.run(["report", "--quiet", "--state", state, "--keep-days", "5", "-o", dir + "/r", dir + "/two.log"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/r/summary.json"))) as? [String: Any]
        let days = (json?["days"] as? [[String: Any]] ?? []).compactMap { $0["date"] as? String }
        #expect(days == ["2026-03-01", "2026-03-02", "2026-03-03", "2099-03-04"])
        // And --to far in the future counts back from tomorrow at the latest.
        let far = try cli.run(["report", "--quiet", "--state", state, "--keep-days", "5", "--to", "2100-01-01",
                               "-o", dir + "/r", dir + "/two.log"])
        #expect(far.status == 0, "\(far.stderr)")
        let after = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/r/summary.json"))) as? [String: Any]
        let kept = (after?["days"] as? [[String: Any]] ?? []).compactMap { $0["date"] as? String }
        #expect(kept == ["2099-03-04"], "five days back from tomorrow: only the day this run wrote stays")
    }
}
