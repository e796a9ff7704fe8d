import Foundation
import Testing

/// Every option and configuration value gets a message and exit 2, never a trap; log bytes
/// never reach the terminal or the report raw.
@Suite struct BadValuesCLITests {
    let cli = CLITests()
    static let sample = CLITests.packageRoot + "/fixtures/sample"

    @Test(arguments: [
        ("churn: {inactive_days: 9223372036854775807}", "churn.inactive_days"),
        ("session: {timeout: 99999999999999999999d}", "session.timeout"),
        ("load: {apdex_t: 100000000000000000000ms}", "load.apdex_t"),
        ("session: {timeout: 500ms}", "session.timeout"),
    ])
    func numbersThatOverflowAreConfigurationErrors(yaml: String, key: String) throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data((yaml + "\n").utf8).write(to: URL(fileURLWithPath: dir + "/uxchurn.yml"))
        let result = try cli.run(["report", "--quiet", "-c", dir + "/uxchurn.yml", "-o", dir + "/r", Self.sample])
        #expect(result.status == 2)
        #expect(result.stderr.contains("uxchurn.yml:1:"), "\(result.stderr)")
        #expect(result.stderr.contains(key), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/r"))
    }

    @Test(arguments: [
        (["--state-wait", "1e300"], "--state-wait"),
        (["-j", "9223372036854775807"], "--jobs"),
        (["-j", "100000"], "--jobs"),
        (["--max-memory", "1e300G"], "--max-memory"),
        (["--state", "s.db", "--keep-days", "9223372036854775807"], "--keep-days"),
        (["--from", "2026-02-30"], "--from"),
        (["--from", "2026-03-05", "--to", "2026-03-01"], "is not before --to"),
    ])
    func optionValuesOutOfRangeAreUsageErrors(options: [String], named: String) throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try cli.run(["report", "--quiet"] + options + ["-o", dir + "/r", Self.sample], in: dir)
        #expect(result.status == 2)
        #expect(result.stderr.contains(named), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/r"))
    }

    @Test func aLeapDayIsADate() throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try cli.run(["report", "--quiet", "--from", "2024-02-29", "-o", dir + "/r", Self.sample]).status == 0)
    }

    func templates(_ dir: String, adding extra: [String: String]) throws -> String {
        let folder = dir + "/tpl"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for name in ["index.html", "report.md"] {
            try FileManager.default.copyItem(atPath: CLITests.packageRoot + "/report-templates/\(name).mustache",
                                             toPath: folder + "/\(name).mustache")
        }
        for (name, text) in extra {
            let path = folder + "/\(name).mustache"
            let old = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            try Data((old + text).utf8).write(to: URL(fileURLWithPath: path))
        }
        return folder
    }

    @Test func aPartialThatIncludesItselfIsRefused() throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let folder = try templates(dir, adding: ["loop": "x {{> echo}}", "echo": "{{> loop}}", "index.html": "{{> loop}}\n"])
        let result = try cli.run(["report", "--quiet", "--templates", folder, "-o", dir + "/r", Self.sample])
        #expect(result.status == 2)
        #expect(result.stderr.contains("loop"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/r"))
    }

    @Test func aMissingPartialIsRefusedWithItsLine() throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let folder = try templates(dir, adding: ["report.md": "{{> missing}}\n"])
        let result = try cli.run(["report", "--quiet", "--templates", folder, "-o", dir + "/r", Self.sample])
        #expect(result.status == 2)
        #expect(result.stderr.contains("report.md.mustache:"), "\(result.stderr)")
        #expect(result.stderr.contains("{{> missing}}"), "\(result.stderr)")
    }

    @Test func controlBytesOfALogLineAreShownEscapedAndAddressesMaskedInTheReport() throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var log = try Data(contentsOf: URL(fileURLWithPath: Self.sample + "/access.log.1"))
        let junk = "203.0.113.77 - - [03/Mar/2026:10:00:00 -0500] \u{1b}[2J\u{07}\r\0 \"GET /\" x \"-\" \"SecretAgent/1.0\"\n"
        log.append(Data(junk.utf8))
        try log.write(to: URL(fileURLWithPath: dir + "/access.log"))
        // Too many bad lines: the message shows the line whole, its controls visible.
        let failed = try cli.run(["report", "--quiet", "--strict", "-o", dir + "/r", dir + "/access.log"])
        #expect(failed.status == 3)
        #expect(failed.stderr.contains(#"\x1b[2J\x07\x0d\x00 "GET /""#), "\(failed.stderr)")
        #expect(!failed.stderr.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" })
        // In the report: no control byte, no address, no agent.
        let result = try cli.run(["report", "--quiet", "-o", dir + "/r", dir + "/access.log"])
        #expect(result.status == 0, "\(result.stderr)")
        for file in ["index.html", "report.md", "summary.json"] {
            let text = try String(contentsOfFile: dir + "/r/" + file, encoding: .utf8)
            #expect(!text.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || $0.value == 0x7F }, "\(file)")
            #expect(!text.contains("203.0.113.77"), "\(file)")
            #expect(!text.contains("SecretAgent"), "\(file)")
        }
        let html = try String(contentsOfFile: dir + "/r/index.html", encoding: .utf8)
        #expect(html.contains(#"x.x.x.x - - [03/Mar/2026:10:00:00 -0500] \x1b[2J\x07\x0d\x00"#), "the sample is there, masked")
    }

    @Test func anEmptyLogIsReportedWithAWarning() throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(FileManager.default.createFile(atPath: dir + "/access.log", contents: Data()))
        let result = try cli.run(["report", "--quiet", "-o", dir + "/r", dir + "/access.log"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("uxchurn: warning: no log line parsed (0 lines read): the report has no figures"), "\(result.stderr)")
    }

    @Test func aCorruptGzipIsNamedWhenTheBadLineLimitStopsTheRun() throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let gzip = try Data(contentsOf: URL(fileURLWithPath: Self.sample + "/access.log.2.gz"))
        try gzip.prefix(10_000).write(to: URL(fileURLWithPath: dir + "/access.log.2.gz"))
        var junk = Data(repeating: 0x41, count: 50)
        junk.append(0x0A)
        try Data(Array(repeating: junk, count: 200).joined()).write(to: URL(fileURLWithPath: dir + "/junk.log"))
        let result = try cli.run(["report", "--quiet", "-o", dir + "/r", dir + "/access.log.2.gz", dir + "/junk.log"])
        #expect(result.status == 3)
        #expect(result.stderr.contains("do not parse"))
        #expect(result.stderr.contains("access.log.2.gz: gzip data ends early at byte"), "\(result.stderr)")
    }

    @Test func lateHitsAreCountedAndShown() throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Twice the hits the reorder buffer holds before it streams, in order over a day and a
        // half, then one from the first hour.
        var lines = ""
        let agent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/124.0"
        for second in 0..<130_000 {
            let (d, h, m, s) = (3 + second / 86_400, second / 3600 % 24, second / 60 % 60, second % 60)
            let time = String(format: "%02d/Mar/2026:%02d:%02d:%02d -0500", d, h, m, s)
            lines += "192.0.2.\(second % 200) - - [\(time)] \"GET /p/\(second % 50) HTTP/1.1\" 200 100 \"-\" \"\(agent)\" 1000\n"
        }
        lines += "192.0.2.1 - - [03/Mar/2026:01:00:00 -0500] \"GET /p/1 HTTP/1.1\" 200 100 \"-\" \"\(agent)\" 1000\n"
        try Data(lines.utf8).write(to: URL(fileURLWithPath: dir + "/access.log"))
        let result = try cli.run(["report", "--quiet", "-j", "1", "-o", dir + "/r", dir + "/access.log"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/r/summary.json"))) as? [String: Any]
        #expect((json?["traffic"] as? [String: Any])?["late_hits"] as? Int == 1)
        let html = try String(contentsOfFile: dir + "/r/index.html", encoding: .utf8)
        #expect(html.contains("Hits logged more than ten minutes out of time order: 1."))
    }

    /// Without /proc, Swift's `CommandLine.arguments` is empty: any command line printed help.
    /// (Not under a sanitizer, whose runtime reads /proc/self/maps before `main`.)
    @Test(.enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare")
                   && ProcessInfo.processInfo.environment["UXCHURN_SANITIZER"] == nil))
    func theCommandLineIsReadWithoutProc() throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        shell.arguments = ["-m", "/bin/sh", "-c", #"mount -t tmpfs none /proc && exec "$0" report --quiet -o "$1" "$2""#,
                           CLITests.binary, dir + "/r", Self.sample]
        try shell.run()
        shell.waitUntilExit()
        #expect(shell.terminationStatus == 0)
        #expect(FileManager.default.fileExists(atPath: dir + "/r/summary.json"))
    }
}

/// Configuration regexes match in time linear in the path: a crafted URL cannot stall a run.
@Suite struct RegexCLITests {
    let cli = CLITests()

    @Test func nestedQuantifiersDoNotStallTheRun() throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let agent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/124.0"
        let paths = ["/", "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", "/p/" + String(repeating: "ab1", count: 30) + "-!", "/aaaa", "/p/shoe-red"]
        let log = paths.enumerated().map { index, path in
            "192.0.2.9 - - [03/Mar/2026:10:00:0\(index) -0500] \"GET \(path) HTTP/1.1\" 200 100 \"-\" \"\(agent)\" 1000\n"
        }.joined()
        try Data(log.utf8).write(to: URL(fileURLWithPath: dir + "/access.log"))
        try Data("ignore: ['^/(a+)+$', '^/p/([a-z0-9]+-?)+$']\n".utf8).write(to: URL(fileURLWithPath: dir + "/uxchurn.yml"))
        // A backtracking engine takes hours on these paths; a stall fails the test after a minute.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = ["60", CLITests.binary, "report", "--quiet", "-c", dir + "/uxchurn.yml", "-o", dir + "/r", dir + "/access.log"]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let input = try cli.input(dir + "/r")
        #expect(input["ignored_requests"] as? Int == 2)  // /aaaa and /p/shoe-red
        #expect(input["page_views"] as? Int == 3)
    }

    @Test func lookAroundsAreRefusedWithTheYAMLLine() throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data("pages:\n  - {name: a, path: '^/(?!admin)'}\n".utf8).write(to: URL(fileURLWithPath: dir + "/uxchurn.yml"))
        let result = try cli.run(["report", "--quiet", "-c", dir + "/uxchurn.yml", "-o", dir + "/r", BadValuesCLITests.sample])
        #expect(result.status == 2)
        #expect(result.stderr.contains("uxchurn.yml:2:"), "\(result.stderr)")
        #expect(result.stderr.contains("linear time"), "\(result.stderr)")
    }
}
