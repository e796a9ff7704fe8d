import Foundation
import LogInput
@testable import Sessions
import Testing
@testable import UXChurn
import SampleShop
@testable import LogParsing
@testable import Reports
@testable import Analysis

@Suite struct IngestTests {
    let line = { (ip: String, time: String, path: String) in
        #"\#(ip) - - [\#(time) -0500] "GET \#(path) HTTP/1.1" 200 512 "-" "Mozilla/5.0 (X11)" 1000"#
    }

    @Test func inputsAreReadOldestFirstWhateverOrderTheyAreNamedIn() throws {
        let scratch = Scratch()
        let newest = scratch.write("access.log", line("192.0.2.1", "04/Mar/2026:10:00:00", "/") + "\n")
        let middle = scratch.write("access.log.1", line("192.0.2.1", "03/Mar/2026:10:00:00", "/") + "\n")
        let oldest = scratch.path + "/access.log.2.gz"
        try GzipFileWriter.write(Array((line("192.0.2.1", "02/Mar/2026:10:00:00", "/") + "\n").utf8), to: oldest)
        let empty = scratch.write("empty.log", "")
        for order in [[newest, middle, oldest, empty], [empty, oldest, newest, middle], [middle, empty, newest, oldest]] {
            let input = try summary(order)["input"] as? [String: Any]
            #expect(input?["files"] as? [String] == [oldest, middle, newest, empty])
            #expect(input?["lines"] as? Int == 3)
        }
    }

    @Test func sameFirstInstantGoesToTheHigherRotationNumberFirst() throws {
        let scratch = Scratch()
        let a = scratch.write("access.log", line("192.0.2.1", "02/Mar/2026:10:00:00", "/") + "\n")
        let b = scratch.write("access.log.3", line("192.0.2.2", "02/Mar/2026:10:00:00", "/") + "\n")
        let c = scratch.write("b.log", line("192.0.2.3", "02/Mar/2026:10:00:00", "/") + "\n")
        let files = try summary([a, c, b])["input"] as? [String: Any]
        #expect(files?["files"] as? [String] == [b, a, c])
    }

    @Test func timestampsInMixedOffsetsOrderByInstant() throws {
        let scratch = Scratch()
        // 10:00 at +0100 is 09:00 UTC, earlier than 05:00 at -0500 (10:00 UTC).
        let late = scratch.write("late.log", #"192.0.2.1 - - [02/Mar/2026:05:00:00 -0500] "GET / HTTP/1.1" 200 1"# + "\n")
        let early = scratch.write("early.log", #"192.0.2.1 - - [02/Mar/2026:10:00:00 +0100] "GET / HTTP/1.1" 200 1"# + "\n")
        let result = try summary([late, early])
        #expect((result["input"] as? [String: Any])?["files"] as? [String] == [early, late])
        #expect((result["period"] as? [String: String])?["from"] == "2026-03-02T10:00:00+01:00")
        #expect((result["period"] as? [String: String])?["to"] == "2026-03-02T05:00:00-05:00")
    }

    @Test func tooManyBadLinesStopTheRunWithSamplesAndTheFormatAutoWouldPick() throws {
        let scratch = Scratch()
        var text = ""
        for i in 0..<90 { text += line("192.0.2.\(i)", "02/Mar/2026:10:00:00", "/") + "\n" }
        for i in 0..<10 { text += "garbage line \(i)\n" }
        let path = scratch.write("access.log", text)
        do {
            _ = try summary([path])
            Issue.record("10% bad lines should stop the run")
        } catch let error as RunError {
            #expect(error.isInput)
            #expect(error.description.contains("10 of 100 lines (10%) do not parse as combined-timed"))
            #expect(error.description.contains("\(path):91: garbage line 0"))
            #expect(error.description.contains("\(path):93: garbage line 2"))
            #expect(!error.description.contains("garbage line 3"))
            #expect(error.description.contains("would pick: \(path): combined-timed"))
        }
        // Under the limit, the run goes on and counts them.
        let input = try summary([path], maxBad: 0.2)["input"] as? [String: Any]
        #expect(input?["skipped"] as? Int == 10)
        #expect(input?["parsed"] as? Int == 90)
    }

    @Test func strictMakesAnySkipAnError() throws {
        let scratch = Scratch()
        let path = scratch.write("access.log", line("192.0.2.1", "02/Mar/2026:10:00:00", "/") + "\nbad\n" + String(repeating: line("192.0.2.1", "02/Mar/2026:10:00:00", "/") + "\n", count: 50))
        var options = RunOptions(inputs: [path])
        options.strict = true
        #expect(throws: RunError.self) { try Pipeline.run(options) }
    }

    @Test func aTruncatedGzipCountsTheLinesBeforeTheFault() throws {
        let scratch = Scratch()
        var text = ""
        for i in 0..<2000 { text += line("192.0.2.\(i % 200)", "02/Mar/2026:10:00:00", "/p/\(i)") + "\n" }
        let whole = try GzipFileWriter.compress(Array(text.utf8))
        let path = scratch.path + "/access.log.2.gz"
        _ = FileManager.default.createFile(atPath: path, contents: Data(whole[0..<(whole.count / 2)]))
        let analysis = try Pipeline.run(RunOptions(inputs: [path]))
        #expect(analysis.ingest.faults == [.truncatedGzip(file: path, offset: whole.count / 2)])
        #expect(analysis.ingest.parsed > 500)
        #expect(analysis.ingest.skipped <= 1)  // at most the line cut by the fault
        #expect(analysis.ingest.lines == analysis.ingest.parsed + analysis.ingest.skipped)
    }

    @Test func aFormatStringFromTheConfigurationIsUsed() throws {
        let scratch = Scratch()
        let config = scratch.write("uxchurn.yml", "format: '$remote_addr [$time_iso8601] \"$request\" $status'\n")
        let path = scratch.write("access.log", #"192.0.2.1 [2026-03-02T10:00:00+00:00] "POST /cart/add HTTP/1.1" 302"# + "\n")
        let input = try summary([path], config: config)["input"] as? [String: Any]
        #expect(input?["format"] as? String == "custom")
        #expect(input?["actions"] as? Int == 1)
        #expect(input?["bot_requests"] as? Int == 0)
    }

    @Test func eachInputGetsItsOwnAutoFormat() throws {
        let scratch = Scratch()
        let common = scratch.write("a.log", #"192.0.2.1 - - [02/Mar/2026:10:00:00 -0500] "GET / HTTP/1.1" 200 1"# + "\n")
        let nginx = scratch.write("b.log", #"192.0.2.2 - - [02/Mar/2026:11:00:00 -0500] "GET / HTTP/1.1" 200 1 "-" "UA" 0.120"# + "\n"
                                  + #"192.0.2.2 - - [02/Mar/2026:11:00:01 -0500] "GET /c HTTP/1.1" 200 1 "-" "UA" 0.020"# + "\n")
        let input = try summary([nginx, common])["input"] as? [String: Any]
        #expect(input?["format"] as? String == "nginx-timed")
        #expect(input?["formats"] as? [String: String] == [common: "common", nginx: "nginx-timed"])
    }

    @Test func aSplitLogGivesTheSameCountsAsTheWhole() throws {
        let scratch = Scratch()
        let text = try String(contentsOfFile: fixtures + "/golden/access.log", encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let whole = try summary([fixtures + "/golden/access.log"], config: fixtures + "/golden/uxchurn.yml", maxBad: 1)
        let half = lines.count / 2
        let first = scratch.write("part-1.log", lines[..<half].joined(separator: "\n") + "\n")
        let second = scratch.write("part-2.log", lines[half...].joined(separator: "\n"))
        let split = try summary([second, first], config: fixtures + "/golden/uxchurn.yml", maxBad: 1)
        let keys = ["lines", "parsed", "skipped", "invalid_requests", "bot_requests", "asset_requests", "ignored_requests",
                    "dropped_requests", "page_views", "actions"]
        let a = whole["input"] as? [String: Any] ?? [:], b = split["input"] as? [String: Any] ?? [:]
        for key in keys { #expect(a[key] as? Int == b[key] as? Int, "\(key)") }
        #expect(whole["period"] as? [String: String] == split["period"] as? [String: String])
    }
}

@Suite struct ParallelIngestTests {
    /// The inputs read on one thread and with `jobs` threads, in chunks of 8 KiB (hundreds).
    func readTwice(_ inputs: [LogInputFile], ignore: [String] = [], jobs: Int) throws
        -> (serial: IngestResult, serialHits: SessionRun, parallel: IngestResult, parallelHits: SessionRun) {
        var options = IngestOptions(format: nil, ignore: ignore, bots: [])
        options.chunkSize = 8192
        options.maxLineLength = 4096
        let serialFold = StatisticsFold(Configuration().emptyStatistics(), inBackground: false, advice: false)
        var serialStage = try sessionStage(serialFold)
        let serial = try Ingest(options: options).run(inputs, into: &serialStage)
        options.jobs = jobs
        let parallelFold = StatisticsFold(Configuration().emptyStatistics(), inBackground: true, advice: false)
        var parallelStage = try sessionStage(parallelFold)
        let parallel = try Ingest(options: options).run(inputs, into: &parallelStage)
        return (serial, SessionRun(stage: serialStage, statistics: serialFold.finish()),
                parallel, SessionRun(stage: parallelStage, statistics: parallelFold.finish()))
    }

    /// Many small chunks over several workers give exactly the one-thread counts, period and
    /// samples (with their line numbers).
    @Test(arguments: [2, 3])
    func workersAgreeWithOneThread(jobs: Int) throws {
        let inputs = try InputResolver.resolve([fixtures + "/conformance/lines", fixtures + "/golden"])
        let (serial, serialHits, parallel, parallelHits) = try readTwice(inputs, ignore: ["^/api/"], jobs: jobs)
        #expect(parallelHits.visitorCount == serialHits.visitorCount)
        #expect(parallelHits.statistics.sessions == serialHits.statistics.sessions)
        #expect(parallelHits.statistics.bounces == serialHits.statistics.bounces)
        #expect(parallel.files == serial.files)
        #expect(parallel.lines == serial.lines)
        #expect(parallel.parsed == serial.parsed)
        #expect(parallel.classes == serial.classes)
        #expect(parallel.skippedSamples == serial.skippedSamples)
        #expect(parallel.earliest == serial.earliest)
        #expect(parallel.latest == serial.latest)
        #expect(serial.skippedSamples.count == 5)
    }

    /// Two servers' logs of the same hours (the golden log's odd and even lines, the second
    /// gzip and cut short) are read side by side by the shared workers: exactly the one-thread
    /// figures, and the cut input's fault after the lines before it.
    @Test(arguments: [2, 3])
    func sideBySideInputsAgreeWithOneThread(jobs: Int) throws {
        let scratch = Scratch()
        let text = try String(contentsOfFile: fixtures + "/golden/access.log", encoding: .utf8)
        let lines = text.split(separator: "\n")
        func half(_ parity: Int) -> String {
            lines.indices.filter { $0 % 2 == parity }.map { String(lines[$0]) }.joined(separator: "\n") + "\n"
        }
        let plain = scratch.write("server-a.log", half(0))
        var compressed = try GzipFileWriter.compress(Array(half(1).utf8))
        compressed.removeLast(compressed.count / 3)
        let cut = scratch.path + "/server-b.log.gz"
        _ = FileManager.default.createFile(atPath: cut, contents: Data(compressed))
        let (serial, serialHits, parallel, parallelHits) = try readTwice(try InputResolver.resolve([cut, plain]), jobs: jobs)
        #expect(serial.faults == [.truncatedGzip(file: cut, offset: compressed.count)])
        #expect(parallel.faults == serial.faults)
        #expect(serial.lines > lines.count / 2 + 100 && serial.lines < lines.count)
        #expect(parallel.lines == serial.lines)
        #expect(parallel.classes == serial.classes)
        #expect(parallel.latest == serial.latest)
        #expect(parallelHits.visitorCount == serialHits.visitorCount)
        #expect(parallelHits.statistics.sessions == serialHits.statistics.sessions)
        #expect(parallelHits.statistics.bounces == serialHits.statistics.bounces)
        #expect(parallelHits.lateHits == serialHits.lateHits)
    }
}

/// `auto` recognises each preset from the sample generator's lines in that preset.
@Suite struct AutoDetectionTests {
    @Test(arguments: ["common", "combined", "combined-timed", "nginx-timed", "caddy", "json", "cloudfront", "w3c"])
    func autoPicksEachPreset(format: String) throws {
        let scratch = Scratch()
        var sample = SampleLogs()
        sample.days = 1
        sample.visitors = 30
        sample.format = format
        _ = try sample.write(to: scratch.path)
        let path = scratch.path + "/access.log"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n").map { Array($0.utf8) }
        #expect(FormatDetector.detect(lines).name == format)
        let input = try summary([path])["input"] as? [String: Any]
        #expect(input?["format"] as? String == format)
        #expect(input?["skipped"] as? Int ?? 99 <= 1)
    }

    @Test func withNothingAt95PercentTheOneThatParsesMostWins() {
        let good = Array(#"192.0.2.1 - - [02/Mar/2026:10:00:00 -0500] "GET / HTTP/1.1" 200 1 "-" "UA""#.utf8)
        let junk = Array("junk".utf8)
        let lines = Array(repeating: good, count: 80) + Array(repeating: junk, count: 20)
        // common and combined parse the same 80%: the one with more fields wins.
        #expect(FormatDetector.detect(lines).name == "combined")
    }
}

/// A crawler's unique URLs cost little: past the limit of automatic page groups their paths
/// count as "other pages", and the site's own groups keep their exact figures.
@Suite struct FoldedGroupsTests {
    @Test func theSitesGroupsAreExactWhenAScannersTailIsFolded() throws {
        let scratch = Scratch()
        let shop = try String(contentsOfFile: fixtures + "/sample/access.log.1", encoding: .utf8)
        let log = scratch.write("access.log", shop)
        // A crawler with a browser's agent requests 3,000 unique URLs, one every 2.5 s on
        // average (not fast) and answered 200 (404s would make it a scanner, left out).
        let start = LogTimestamp(utcSeconds: 1_772_542_800, offsetMinutes: -300)  // 2026-03-03 08:00 -05:00, the shop's day
        var crawler = ""
        for index in 0..<3000 {
            let time = LogTimestamp(utcSeconds: start.utcSeconds + Int64(index * 5 / 2), offsetMinutes: start.offsetMinutes)
            crawler += #"203.0.113.66 - - [\#(time.commonLog)] "GET /x\#(index)y\#(index * 7919 % 1000) HTTP/1.1" 200 120 "-" "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0" 900"# + "\n"
        }
        let other = scratch.write("other.log", crawler)
        func pages(limit: Int) throws -> (pages: [[String: Any]], traffic: [String: Any]) {
            var options = RunOptions(inputs: [log, other])
            options.configuration = try Configuration.parse(yaml: ConfigurationPresets.generic, file: "generic")
            options.automaticGroupLimit = limit
            let analysis = try Pipeline.run(options)
            let json = try JSONSerialization.jsonObject(with: Data(SummaryDocument.build(analysis).serialized().utf8)) as? [String: Any]
            return (json?["pages"] as? [[String: Any]] ?? [], json?["traffic"] as? [String: Any] ?? [:])
        }
        let whole = try pages(limit: PageGroups.defaultAutomaticLimit)
        let folded = try pages(limit: 200)
        #expect(whole.traffic["other_pages_views"] as? Int == 0)
        #expect((folded.traffic["other_pages_views"] as? Int ?? 0) > 2000)
        // Every group with more than one view (the scanner's have one each) is there, the same.
        let real = whole.pages.filter { ($0["views"] as? Int ?? 0) > 1 }
        #expect(real.count >= 5)
        let foldedByName = Dictionary(uniqueKeysWithValues: folded.pages.map { ($0["group"] as? String ?? "", $0) })
        for page in real {
            let name = page["group"] as? String ?? ""
            let other = try #require(foldedByName[name], "\(name) is missing")
            #expect(NSDictionary(dictionary: page) == NSDictionary(dictionary: other), "\(name)")
        }
        #expect(!folded.pages.contains { $0["group"] as? String == PageGroups.folded })
    }
}
