import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// Launches the built `uxchurn` and checks its output, files and exit codes.
@Suite struct CLITests {
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static let binary: String = {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("uxchurn").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        return packageRoot + "/.build/debug/uxchurn"
    }()

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
        /// Standard error as written, for checks that decoding would hide.
        var stderrBytes: [UInt8] = []
    }

    func run(_ arguments: [String], stdin: Data? = nil, in folder: String? = nil, environment: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        // A binary that exits before reading all its input must fail its test, not kill the
        // test runner with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        try process.run()
        if let stdin { try? input.fileHandleForWriting.write(contentsOf: stdin) }
        try input.fileHandleForWriting.close()
        // Both pipes drained at once: a child that fills one while the other is read (a
        // sanitizer's reports on stderr) would otherwise wait forever.
        let errors = DrainedPipe(err)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = errors.wait()
        process.waitUntilExit()
        // Killed by a signal: 128 + the signal, as a shell reports it.
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return Run(status: status, stdout: String(decoding: outData, as: UTF8.self),
                   stderr: String(decoding: errData, as: UTF8.self), stderrBytes: Array(errData))
    }

    func scratch() -> String {
        let path = NSTemporaryDirectory() + "uxchurn-cli-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func input(_ folder: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/summary.json"))
        let json = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return json?["input"] as? [String: Any] ?? [:]
    }

    @Test func reportOnTheBundledSampleWritesSummaryJSON() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try run(["report", "-o", dir + "/out", Self.packageRoot + "/fixtures/sample"])
        #expect(result.status == 0, "\(result.stderr)")
        let input = try input(dir + "/out")
        #expect(input["lines"] as? Int == 3477)
        #expect(input["skipped"] as? Int == 1)
        #expect((input["files"] as? [String])?.last?.hasSuffix("/access.log") == true)
        #expect(!FileManager.default.fileExists(atPath: dir + "/out.tmp-1"))
    }

    @Test func standardInputIsReadPlainOrGzip() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let gz = try Data(contentsOf: URL(fileURLWithPath: Self.packageRoot + "/fixtures/golden/access.log.2.gz"))
        let result = try run(["report", "-c", Self.packageRoot + "/fixtures/golden/uxchurn.yml", "-o", dir + "/out", "-"], stdin: gz)
        #expect(result.status == 0, "\(result.stderr)")
        let input = try input(dir + "/out")
        #expect(input["files"] as? [String] == ["-"])
        #expect(input["lines"] as? Int ?? 0 > 1000)
    }

    @Test func aTruncatedGzipWritesTheReportAndExitsThree() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let gz = try Data(contentsOf: URL(fileURLWithPath: Self.packageRoot + "/fixtures/golden/access.log.2.gz"))
        let cut = gz.count - 5000
        _ = FileManager.default.createFile(atPath: dir + "/access.log.2.gz", contents: gz.prefix(cut))
        let result = try run(["report", "-c", Self.packageRoot + "/fixtures/golden/uxchurn.yml", "-o", dir + "/out", dir + "/access.log.2.gz"])
        #expect(result.status == 3)
        #expect(result.stderr.contains("\(dir)/access.log.2.gz: gzip data ends early at byte \(cut)"))
        #expect(try input(dir + "/out")["lines"] as? Int ?? 0 > 1000)
    }

    @Test func tooManyBadLinesWriteNoReport() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = FileManager.default.createFile(atPath: dir + "/access.log", contents: Data("not a log line\nnor this\n".utf8))
        let result = try run(["report", "-o", dir + "/out", dir + "/access.log"])
        #expect(result.status == 3)
        #expect(result.stderr.contains("\(dir)/access.log:1: not a log line"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/out"))
    }

    @Test func aMissingInputIsExitThree() throws {
        let result = try run(["report", "-o", "/tmp/never", "/nonexistent/access.log"])
        #expect(result.status == 3)
        #expect(result.stderr.contains("/nonexistent/access.log: no such file or folder"))
    }

    @Test func aConfigurationTypoNamesItsLine() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = FileManager.default.createFile(atPath: dir + "/uxchurn.yml", contents: Data("session:\n  timout: 30m\n".utf8))
        let result = try run(["report", Self.packageRoot + "/fixtures/sample"], in: dir)
        #expect(result.status == 2)
        #expect(result.stderr.contains("uxchurn.yml:2:3: unknown key 'timout' in session"))
        _ = FileManager.default.createFile(atPath: dir + "/bad.yml", contents: Data("session:\n  timeout: 30\n".utf8))
        let bare = try run(["report", "-c", dir + "/bad.yml", Self.packageRoot + "/fixtures/sample"])
        #expect(bare.status == 2)
        #expect(bare.stderr.contains("bad.yml:2:12: session.timeout '30' is not a duration"))
    }

    @Test func usageMistakesAreExitTwo() throws {
        #expect(try run(["report", "--no-such-option"]).status == 2)
        #expect(try run(["report", "-f", "combined-ish", Self.packageRoot + "/fixtures/sample"]).status == 2)
        #expect(try run(["report", "--max-bad-lines", "lots", Self.packageRoot + "/fixtures/sample"]).status == 2)
        #expect(try run(["--help"]).status == 0)
    }

    @Test func formatsListsEveryPresetWithAnExample() throws {
        let result = try run(["formats"])
        #expect(result.status == 0)
        for name in ["common", "combined", "combined-timed", "nginx-timed", "combined+time", "vcombined", "ingress-nginx", "traefik"] {
            #expect(result.stdout.contains("\(name)\n"))
        }
        #expect(result.stdout.contains("example: 203.0.113.9 - - [02/Mar/2026:10:00:00 -0500]"))
    }

    @Test func sampleLogsAreTheSameForTheSameSeed() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for name in ["a", "b"] {
            #expect(try run(["sample-logs", dir + "/" + name, "--days", "4", "--visitors", "50", "--seed", "9", "--format", "nginx-timed"]).status == 0)
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: dir + "/a").sorted()
        #expect(names == ["access.log", "access.log.1", "access.log.2.gz", "access.log.3.gz"])
        for name in names {
            #expect(FileManager.default.contentsEqual(atPath: dir + "/a/" + name, andPath: dir + "/b/" + name))
        }
        let report = try run(["report", "-o", dir + "/out", dir + "/a"])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(try input(dir + "/out")["format"] as? String == "nginx-timed")
    }
}

@Suite struct CheckCLITests {
    let cli = CLITests()

    @Test func checkPrintsTheTableWritesJUnitAndTheStepSummaryAndExitsOneOnABreach() throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let root = CLITests.packageRoot
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLITests.binary)
        process.arguments = ["check", "-c", root + "/fixtures/check.yml", "--junit", dir + "/junit.xml",
                             "--summary-json", dir + "/summary.json", root + "/fixtures/golden"]
        var environment = ProcessInfo.processInfo.environment
        environment["GITHUB_STEP_SUMMARY"] = dir + "/step-summary.md"
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        #expect(stdout.contains("FAIL    load_p95_ms checkout"))
        #expect(stdout.contains("6 passed, 1 failed"))
        let junit = try String(contentsOfFile: dir + "/junit.xml", encoding: .utf8)
        #expect(junit.contains(#"<testsuite name="uxchurn thresholds" tests="7" failures="1""#))
        #expect(junit.components(separatedBy: "<failure ").count == 2)
        _ = try XMLDocument(data: Data(junit.utf8))  // well-formed
        let markdown = try String(contentsOfFile: dir + "/step-summary.md", encoding: .utf8)
        #expect(markdown.contains("| ❌ fail | load\\_p95\\_ms checkout | 7241.727 | max 1500 |"))
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/summary.json"))) as? [String: Any]
        #expect((summary?["thresholds"] as? [[String: Any]])?.count == 7)
    }

    @Test func reportFailsOnBreachOnlyWhenAskedAndAfterWriting() throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let root = CLITests.packageRoot
        let plain = try cli.run(["report", "--quiet", "-c", root + "/fixtures/check.yml", "-o", dir + "/a", root + "/fixtures/golden"])
        #expect(plain.status == 0)
        let failing = try cli.run(["report", "--quiet", "--fail-on-breach", "-c", root + "/fixtures/check.yml", "-o", dir + "/b", root + "/fixtures/golden"])
        #expect(failing.status == 1)
        #expect(failing.stderr.contains("1 threshold is breached"))
        #expect(FileManager.default.fileExists(atPath: dir + "/b/summary.json"))
    }

    @Test func initWritesAPresetAndRefusesToOverwrite() throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try cli.run(["init", "--preset", "shopify"], in: dir).status == 0)
        let text = try String(contentsOfFile: dir + "/uxchurn.yml", encoding: .utf8)
        #expect(text.hasPrefix("# uxchurn configuration: the Shopify preset."))
        #expect(try cli.run(["init"], in: dir).status == 2)
        #expect(try cli.run(["init", "--preset", "prestashop"], in: dir).status == 2)
        // The written file is what `check` then reads from the working folder.
        let check = try cli.run(["check", CLITests.packageRoot + "/fixtures/sample"], in: dir)
        #expect(check.status == 0, "\(check.stderr)")
    }

    /// `init -o -` writes to standard output (no file named `-`), and `-f` is written into the
    /// file as its `format:`, which the next run reads the logs with.
    @Test func initWritesToStandardOutputAndRecordsTheFormat() throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sample = CLITests.packageRoot + "/fixtures/sample"
        let printed = try cli.run(["init", "-o", "-", "-f", "combined-timed", sample], in: dir)
        #expect(printed.status == 0, "\(printed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/-"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/uxchurn.yml"))
        #expect(printed.stdout.contains("\nformat: 'combined-timed'   # as given to uxchurn init -f\nsession:"))
        try Data(printed.stdout.utf8).write(to: URL(fileURLWithPath: dir + "/fitted.yml"))
        let custom = #"%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i" %D"#
        let written = try cli.run(["init", "-o", dir + "/custom.yml", "-f", custom, sample], in: dir)
        #expect(written.status == 0, "\(written.stderr)")
        for config in ["fitted.yml", "custom.yml"] {
            let report = try cli.run(["report", "--quiet", "-c", dir + "/" + config, "-o", dir + "/r-" + config, sample], in: dir)
            #expect(report.status == 0, "\(config): \(report.stderr)")
            let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/r-" + config + "/summary.json"))) as? [String: Any]
            #expect((summary?["input"] as? [String: Any])?["skipped"] as? Int == 1, "\(config)")
        }
    }

    /// Timestamps without a UTC offset need a time zone: without one the run is a usage error
    /// naming the option; `--timezone` or `timezone:` reads them, and `init` records it.
    @Test func timestampsWithoutAnOffsetNeedATimeZone() throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = CLITests.packageRoot + "/fixtures/conformance/no-offset/access.log"
        let missing = try cli.run(["check", log], in: dir)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("access.log: its timestamps carry no UTC offset"))
        #expect(missing.stderr.contains("--timezone") && missing.stderr.contains("timezone:"))
        let bad = try cli.run(["check", "--timezone", "Mars/Base", log], in: dir)
        #expect(bad.status == 2 && bad.stderr.contains("--timezone: 'Mars/Base' is not a time zone"), "\(bad.stderr)")
        let given = try cli.run(["check", "--timezone", "Europe/Berlin", log], in: dir)
        #expect(given.status == 0, "\(given.stderr)")
        #expect(given.stdout.contains("2026-03-28T23:50:00+01:00 – 2026-03-29T21:00:00+02:00"), "\(given.stdout)")
        try Data("timezone: Europe/Bogus\n".utf8).write(to: URL(fileURLWithPath: dir + "/bad.yml"))
        let badConfig = try cli.run(["check", "-c", dir + "/bad.yml", log], in: dir)
        #expect(badConfig.status == 2 && badConfig.stderr.contains("bad.yml:1:"), "\(badConfig.stderr)")
        let written = try cli.run(["init", "-o", "-", "--timezone", "Europe/Berlin", log], in: dir)
        #expect(written.status == 0, "\(written.stderr)")
        #expect(written.stdout.contains("\ntimezone: 'Europe/Berlin'   # as given to uxchurn init --timezone\n"))
        try Data(written.stdout.utf8).write(to: URL(fileURLWithPath: dir + "/fitted.yml"))
        let again = try cli.run(["check", "-c", dir + "/fitted.yml", log], in: dir)
        #expect(again.status == 0, "\(again.stderr)")
        // One line without an offset among lines with one is skipped, not a reason to stop.
        let sample = try String(contentsOfFile: CLITests.packageRoot + "/fixtures/sample/access.log", encoding: .utf8)
        let mixed = sample + #"192.0.2.9 - - [04/Mar/2026:23:59:59] "GET / HTTP/1.1" 200 512 "-" "Mozilla/5.0" 1000"# + "\n"
        try Data(mixed.utf8).write(to: URL(fileURLWithPath: dir + "/mixed.log"))
        let one = try cli.run(["check", "--summary-json", dir + "/s.json", dir + "/mixed.log"], in: dir)
        #expect(one.status == 0, "\(one.stderr)")
    }
}

/// A pipe read to its end on a thread of its own.
final class DrainedPipe: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ pipe: Pipe) {
        let handle = pipe.fileHandleForReading
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}
