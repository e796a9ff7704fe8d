import Foundation
import Testing

/// Mistakes on the command line: the command meant, the usage of the command given, and no
/// raw bytes of a file or argument on the terminal.
@Suite struct UsageCLITests {
    let cli = CLITests()

    @Test(arguments: [
        ("reprot", "Did you mean 'report'?"),
        ("chekc", "Did you mean 'check'?"),
        ("hist", "Did you mean 'history'?"),
        ("sample-log", "Did you mean 'sample-logs'?"),
        ("re", "Did you mean 'report' or 'reduce'?"),
        ("frobnicate", "the commands are: report, check, init, history, formats, sample-logs, map, reduce, merge"),
        ("/var/log/nginx/access.log", "To analyse it: uxchurn report /var/log/nginx/access.log"),
    ])
    func anUnknownCommandIsNamedWithTheOneMeant(typed: String, said: String) throws {
        let result = try cli.run([typed, "x"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("Error: '\(typed)' is not a uxchurn command"), "\(result.stderr)")
        #expect(result.stderr.contains(said), "\(result.stderr)")
        #expect(result.stderr.contains("Usage: uxchurn <subcommand>"), "\(result.stderr)")
    }

    @Test(arguments: [
        (["check", "--jobs", "0", "x"], "--jobs takes 1 to 256 threads, not 0", "check"),
        (["report", "--max-bad-lines", "lots", "x"], "--max-bad-lines takes a share", "report"),
        (["map", "--from", "yesterday"], "--from takes a date", "map"),
        (["merge", "--keep-days", "3", "x"], "--keep-days needs --state FILE", "merge"),
        (["init", "--preset", "shopfiy"], "unknown preset 'shopfiy' (did you mean 'shopify'?)", "init"),
        (["sample-logs", "--days", "0", "x"], "--days must be 1 to 3660", "sample-logs"),
        (["report", "--bogus", "x"], "Unknown option '--bogus'", "report"),
    ])
    func aRefusedOptionValueShowsItsCommandsUsage(arguments: [String], said: String, command: String) throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try cli.run(arguments, in: dir)
        #expect(result.status == 2)
        #expect(result.stderr.contains(said), "\(result.stderr)")
        #expect(result.stderr.contains("Usage: uxchurn \(command) "), "\(result.stderr)")
        #expect(result.stderr.contains("See 'uxchurn \(command) --help'"), "\(result.stderr)")
        #expect(!result.stderr.contains("Usage: uxchurn <subcommand>"), "\(result.stderr)")
    }

    @Test func helpForAnUnknownCommandIsAnError() throws {
        let result = try cli.run(["help", "reprot"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("'reprot' is not a uxchurn command. Did you mean 'report'?"), "\(result.stderr)")
        #expect(try cli.run(["help", "report"]).stdout.contains("USAGE: uxchurn report"))
    }

    @Test func helpAndVersionStillSucceed() throws {
        let help = try cli.run(["report", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE: uxchurn report"))
        #expect(help.stderr.isEmpty, "\(help.stderr)")
        let version = try cli.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.split(separator: "\n").first?.split(separator: ".").count == 3, "\(version.stdout)")
    }

    @Test func mergeCallsItsInputsPartialResults() throws {
        let help = try cli.run(["merge", "--help"])
        #expect(help.stdout.contains("Files of partial results"), "\(help.stdout)")
        #expect(!help.stdout.contains("Log files"), "\(help.stdout)")
        #expect(try cli.run(["report", "--help"]).stdout.contains("Log files, folders of rotated logs"))
    }

    /// A PNG named as a log: its bytes in the message are escapes, never raw control or
    /// non-UTF-8 bytes a terminal would act on or show as replacement characters.
    @Test func aBinaryFileIsShownEscaped() throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
                            0x1B, 0x5B, 0x32, 0x4A, 0x0A]
        try Data(png).write(to: URL(fileURLWithPath: dir + "/logo.png"))
        let result = try cli.run(["report", "-o", dir + "/r", dir + "/logo.png"])
        #expect(result.status == 3)
        #expect(result.stderr.contains("logo.png:1: \\x89PNG"), "\(result.stderr)")
        #expect(result.stderr.contains("\\x1a"), "\(result.stderr)")
        #expect(result.stderr.contains("\\x1b[2J"), "\(result.stderr)")
        let controls = result.stderrBytes.filter { ($0 < 0x20 && $0 != 0x0A && $0 != 0x09) || $0 == 0x7F }
        #expect(controls.isEmpty, "\(controls)")
        #expect(!result.stderr.contains("\u{FFFD}"), "\(result.stderr)")
    }

    @Test func anArgumentsControlBytesAreEscaped() throws {
        let result = try cli.run(["rep\u{1B}[31mort"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("'rep\\x1b[31mort'"), "\(result.stderr)")
        #expect(!result.stderrBytes.contains(0x1B))
    }
}

extension UsageCLITests {
    /// check's table on standard output carries names from the configuration: escaped too.
    @Test func checksTableShowsControlBytesEscaped() throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let yaml = """
            funnels:
              - name: "co\\e[2Jut"
                steps:
                  - {name: product, path: '^/p/'}
                  - {name: cart, path: '^/cart'}
            """
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: dir + "/uxchurn.yml"))
        let result = try cli.run(["check", "-c", dir + "/uxchurn.yml", CLITests.packageRoot + "/fixtures/sample"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("co\\x1b[2Jut conversion"), "\(result.stdout)")
        #expect(!result.stdout.contains("\u{1B}"))
    }
}

extension UsageCLITests {
    @Test func initRefusesToReplaceAConfigurationBeforeReadingTheLogs() throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data("# mine\n".utf8).write(to: URL(fileURLWithPath: dir + "/uxchurn.yml"))
        let result = try cli.run(["init", CLITests.packageRoot + "/fixtures/sample"], in: dir)
        #expect(result.status == 2)
        #expect(result.stderr.contains("uxchurn.yml exists; use --force to replace it"), "\(result.stderr)")
        #expect(!result.stderr.contains("fitted to"), "\(result.stderr)")
        #expect(try String(contentsOfFile: dir + "/uxchurn.yml", encoding: .utf8) == "# mine\n")
    }
}
