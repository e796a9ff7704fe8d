import Foundation
import Testing

/// `uxchurn map | sort | reduce` and `merge` (issue 8): the same report as one `report` run,
/// however the visitors are partitioned and in whatever order the partials come.
@Suite struct MapReduceCLITests {
    let cli = CLITests()
    let root = CLITests.packageRoot

    /// Runs `map` on each input with its rank from `--plan`, splits the hits over `partitions`
    /// by visitor key (the side records go to the first), sorts and reduces each partition,
    /// and returns the partial files.
    ///
    /// - Parameters:
    ///   - options: given to each `map`.
    ///   - counted: reduce with `--inputs` (the side records of every map) and these options,
    ///     so the partials carry their visitors as counts.
    func mapReduce(_ inputs: [String], config: [String], options: [String] = [], partitions: Int, in dir: String,
                   counted: [String]? = nil) throws -> [String] {
        let plan = try cli.run(["map", "--plan"] + config + inputs)
        #expect(plan.status == 0, "\(plan.stderr)")
        var lines: [Substring] = []
        for (rank, input) in plan.stdout.split(separator: "\n").enumerated() {
            let mapped = try cli.run(["map", "--rank", String(rank)] + config + options + [String(input)])
            #expect(mapped.status == 0, "\(mapped.stderr)")
            lines += mapped.stdout.split(separator: "\n")
        }
        var parts = Array(repeating: [Substring](), count: partitions)
        for line in lines {
            let index = line.hasPrefix("#") ? 0 : Int(line.prefix(4), radix: 16)! % partitions
            parts[index].append(line)
        }
        var reduceOptions: [String] = []
        if let counted {
            let sides = lines.filter { $0.hasPrefix("#") }.joined(separator: "\n") + "\n"
            try Data(sides.utf8).write(to: URL(fileURLWithPath: dir + "/inputs"))
            reduceOptions = ["--inputs", dir + "/inputs"] + counted
        }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var files: [String] = []
        for (index, part) in parts.enumerated() {
            let sorted = part.sorted().joined(separator: "\n") + (part.isEmpty ? "" : "\n")
            let reduced = try cli.run(["reduce"] + config + reduceOptions, stdin: Data(sorted.utf8))
            #expect(reduced.status == 0, "\(reduced.stderr)")
            #expect(reduced.stdout.split(separator: "\n").count == 1)
            let file = dir + "/partial-\(index).jsonl"
            try Data(reduced.stdout.utf8).write(to: URL(fileURLWithPath: file))
            files.append(file)
        }
        return files
    }

    func read(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    /// A gzip file's bytes, decompressed by `gzip -dc`.
    func gunzip(_ path: String) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "gzip -dc \"$0\"", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return data
    }

    @Test func goldenLogsGiveTheSameReportFolderInThreePartitions() throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let config = ["-c", root + "/fixtures/golden/uxchurn.yml"]
        let inputs = ["access.log", "access.log.1", "access.log.2.gz"].map { root + "/fixtures/golden/" + $0 }
        let one = try cli.run(["report", "--quiet"] + config + ["-o", dir + "/one"] + inputs)
        #expect(one.status == 0, "\(one.stderr)")
        let partials = try mapReduce(inputs, config: config, partitions: 3, in: dir)
        let merged = try cli.run(["merge", "--quiet"] + config + ["-o", dir + "/merged"] + partials.reversed())
        #expect(merged.status == 0, "\(merged.stderr)")
        for file in ["summary.json", "index.html", "report.md", "charts/flow.svg", "charts/load-percentiles.svg"] {
            #expect(try read(dir + "/one/" + file) == read(dir + "/merged/" + file), "\(file) differs")
        }
        let summary = try JSONSerialization.jsonObject(with: read(dir + "/merged/summary.json")) as? [String: Any]
        #expect((summary?["traffic"] as? [String: Any])?["visitors"] as? Int == 650)
    }

    @Test func sampleLogsWithoutAConfigurationKeepTheAdvice() throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sample = root + "/fixtures/sample"
        let one = try cli.run(["report", "--quiet", "-o", dir + "/one", sample], in: dir)
        #expect(one.status == 0, "\(one.stderr)")
        let partials = try mapReduce([sample], config: [], partitions: 4, in: dir)
        let merged = try cli.run(["merge", "--quiet", "-o", dir + "/merged"] + partials, in: dir)
        #expect(merged.status == 0, "\(merged.stderr)")
        // map cannot fit a configuration before it reads (one pass, split over machines): it
        // analyses with the built-in preset and advises, as a one-machine run over standard
        // input does; `report` over files fits one and uses it.
        var logs = Data()
        for name in ["access.log.2.gz", "access.log.1", "access.log"] {
            let path = sample + "/" + name
            logs += name.hasSuffix(".gz") ? try gunzip(path) : try read(path)
        }
        let piped = try cli.run(["report", "--quiet", "-o", dir + "/piped", "-"], stdin: logs, in: dir)
        #expect(piped.status == 0, "\(piped.stderr)")
        let mergedSummary = try JSONSerialization.jsonObject(with: read(dir + "/merged/summary.json")) as? [String: Any] ?? [:]
        let stdin = try JSONSerialization.jsonObject(with: read(dir + "/piped/summary.json")) as? [String: Any] ?? [:]
        let fitted = try JSONSerialization.jsonObject(with: read(dir + "/one/summary.json")) as? [String: Any] ?? [:]
        for section in ["traffic", "pages", "funnels", "cart", "days", "advice"] {
            #expect(NSDictionary(dictionary: mergedSummary).value(forKey: section) as? NSObject == NSDictionary(dictionary: stdin).value(forKey: section) as? NSObject, "\(section)")
        }
        #expect((mergedSummary["advice"] as? [String: Any])?["applied"] as? Bool == false)
        #expect((fitted["advice"] as? [String: Any])?["applied"] as? Bool == true)
    }

    /// Every conformance case, chained on standard input as `cat | map | sort | reduce`.
    @Test func conformanceCasesChainedThroughSort() throws {
        let cases = try FileManager.default.contentsOfDirectory(atPath: root + "/fixtures/conformance").filter { !$0.hasSuffix(".md") }.sorted()
        #expect(cases.count == 17)
        for name in cases {
            let dir = cli.scratch()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let folder = root + "/fixtures/conformance/" + name
            let config = ["-c", folder + "/uxchurn.yml"]
            let one = try cli.run(["report", "--quiet"] + config + ["-o", dir + "/one", folder])
            let partials = try mapReduce([folder], config: config, partitions: 2, in: dir)
            let merged = try cli.run(["merge", "--quiet"] + config + ["-o", dir + "/merged"] + partials)
            #expect(one.status == merged.status, "\(name): \(merged.stderr)")
            #expect(try read(dir + "/one/summary.json") == read(dir + "/merged/summary.json"), "\(name)")
        }
    }

    @Test func standardInputChainEqualsReportOfStandardInput() throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let config = ["-c", root + "/fixtures/golden/uxchurn.yml"]
        let log = try read(root + "/fixtures/golden/access.log.1") + read(root + "/fixtures/golden/access.log")
        let one = try cli.run(["report", "--quiet"] + config + ["-o", dir + "/one", "-"], stdin: log)
        #expect(one.status == 0, "\(one.stderr)")
        let mapped = try cli.run(["map"] + config, stdin: log)
        #expect(mapped.status == 0, "\(mapped.stderr)")
        let sorted = mapped.stdout.split(separator: "\n").sorted().joined(separator: "\n") + "\n"
        let reduced = try cli.run(["reduce"] + config, stdin: Data(sorted.utf8))
        let merged = try cli.run(["merge", "--quiet"] + config + ["-o", dir + "/merged", "-"], stdin: Data(reduced.stdout.utf8))
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(try read(dir + "/one/summary.json") == read(dir + "/merged/summary.json"))
    }

    @Test func reduceRefusesLinesThatAreNotGroupedOrNotMapOutput() throws {
        let config = ["-c", root + "/fixtures/golden/uxchurn.yml"]
        let mapped = try cli.run(["map"] + config + [root + "/fixtures/golden/access.log"])
        let lines = mapped.stdout.split(separator: "\n").filter { !$0.hasPrefix("#") }
        // The unsorted output has visitors interleaved.
        let interleaved = try cli.run(["reduce"] + config, stdin: Data((lines.joined(separator: "\n") + "\n").utf8))
        #expect(interleaved.status == 3)
        #expect(interleaved.stderr.contains("comes again after other visitors"))
        let garbage = try cli.run(["reduce"] + config, stdin: Data("hello world\n".utf8))
        #expect(garbage.status == 3)
        #expect(garbage.stderr.contains("standard input:1:"))
        let empty = try cli.run(["reduce"] + config, stdin: Data())
        #expect(empty.status == 0)
        #expect(empty.stdout.contains("\"uxchurnPartial\":7,"))
    }

    @Test func mergeRefusesOtherConfigurationsAndBrokenFiles() throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let reduced = try cli.run(["reduce", "-c", root + "/fixtures/golden/uxchurn.yml"], stdin: Data())
        try Data(reduced.stdout.utf8).write(to: URL(fileURLWithPath: dir + "/p.jsonl"))
        let other = try cli.run(["merge", "-o", dir + "/out", dir + "/p.jsonl"], in: dir)
        #expect(other.status == 2)
        #expect(other.stderr.contains("made with another configuration"))
        try Data("{\"uxchurnPartial\":7}\nnot json\n".utf8).write(to: URL(fileURLWithPath: dir + "/broken.jsonl"))
        let broken = try cli.run(["merge", "-c", root + "/fixtures/golden/uxchurn.yml", "-o", dir + "/out", dir + "/broken.jsonl"])
        #expect(broken.status == 3)
        #expect(broken.stderr.contains("broken.jsonl:1: not a partial result"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/out"))
        // A partial of an older uxchurn is named as such.
        try Data("{\"uxchurnPartial\":1,\"configuration\":\"x\"}\n".utf8).write(to: URL(fileURLWithPath: dir + "/old.jsonl"))
        let old = try cli.run(["merge", "-c", root + "/fixtures/golden/uxchurn.yml", "-o", dir + "/out", dir + "/old.jsonl"])
        #expect(old.status == 3)
        #expect(old.stderr.contains("old.jsonl:1: a partial result of version 1; this uxchurn reads version 7"), "\(old.stderr)")
    }

    @Test func mergeKeepsThresholdsAndFailOnBreach() throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let config = ["-c", root + "/fixtures/check.yml"]
        let partials = try mapReduce([root + "/fixtures/golden"], config: config, partitions: 2, in: dir)
        let merged = try cli.run(["merge", "--quiet", "--fail-on-breach"] + config + ["-o", dir + "/out", "--junit", dir + "/j.xml"] + partials)
        let one = try cli.run(["report", "--quiet", "--fail-on-breach"] + config + ["-o", dir + "/one", root + "/fixtures/golden"])
        #expect(merged.status == 1)
        #expect(one.status == 1)
        #expect(try read(dir + "/one/summary.json") == read(dir + "/out/summary.json"))
        #expect(FileManager.default.fileExists(atPath: dir + "/j.xml"))
        // A JUnit file inside the folder is written with it, as report does: the folder is
        // still one uxchurn wrote, so the next merge may replace it.
        for _ in 0..<2 {
            let inside = try cli.run(["merge", "--quiet"] + config + ["-o", dir + "/out", "--junit", dir + "/out/junit.xml"] + partials)
            #expect(inside.status == 0, "\(inside.stderr)")
            #expect(FileManager.default.fileExists(atPath: dir + "/out/junit.xml"))
        }
    }

    /// Partials with their visitors as counts (`reduce --inputs`), merged in a tree with
    /// `merge --partial`, give the report one run gives, in a partial whose size does not grow
    /// with the visitors; over five weeks (cohorts by week) and in a `--from`/`--to` window.
    @Test func countedPartialsMergedInATreeGiveTheSameReport() throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let config = ["-c", root + "/fixtures/golden/uxchurn.yml"]
        let golden = root + "/fixtures/golden"
        let weeks = dir + "/weeks"
        #expect(try cli.run(["sample-logs", weeks, "--days", "36", "--visitors", "300"]).status == 0)
        for (inputs, window) in [([golden], [String]()), ([weeks], []), ([weeks], ["--from", "2026-03-04", "--to", "2026-03-30T12:00"])] {
            let one = try cli.run(["report", "--quiet"] + config + window + ["-o", dir + "/one"] + inputs)
            #expect(one.status == 0, "\(one.stderr)")
            let to = window.count == 4 ? Array(window[2...]) : []
            let partials = try mapReduce(inputs, config: config, options: window, partitions: 3, in: dir, counted: to)
            let records = try mapReduce(inputs, config: config, options: window, partitions: 3, in: dir + "/records")
            #expect(try read(partials[1]).count < read(records[1]).count, "counts are smaller than a record per visitor")
            #expect(try String(decoding: read(partials[1]), as: UTF8.self).contains("\"visitorKeys\":[]"))
            let left = try cli.run(["merge", "--partial"] + config + [partials[0], partials[1]])
            #expect(left.status == 0, "\(left.stderr)")
            try Data(left.stdout.utf8).write(to: URL(fileURLWithPath: dir + "/left.jsonl"))
            let merged = try cli.run(["merge", "--quiet"] + config + window + ["-o", dir + "/merged", dir + "/left.jsonl", partials[2]])
            #expect(merged.status == 0, "\(merged.stderr)")
            for file in ["summary.json", "index.html"] {
                #expect(try read(dir + "/one/" + file) == read(dir + "/merged/" + file), "\(inputs) \(window): \(file) differs")
            }
            if inputs == [weeks] && window.isEmpty {
                #expect(try String(decoding: read(dir + "/merged/summary.json"), as: UTF8.self).contains("\"cohort_unit\": \"week\""))
            }
        }
    }

    /// Counted partials do not mix with per-visitor ones, with another period's end, or with a
    /// history; `reduce --to` needs `--inputs`, and a file that is not side records is named.
    @Test func countedPartialsRefuseWhatWouldBeWrong() throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let config = ["-c", root + "/fixtures/golden/uxchurn.yml"]
        let golden = root + "/fixtures/golden"
        let counted = try mapReduce([golden], config: config, partitions: 2, in: dir, counted: [])
        let records = try mapReduce([golden], config: config, partitions: 2, in: dir + "/records")
        let mixed = try cli.run(["merge", "--quiet"] + config + ["-o", dir + "/out", counted[0], records[1]])
        #expect(mixed.status == 2)
        #expect(mixed.stderr.contains("has one record per visitor, where other partials carry their visitors as counts"), "\(mixed.stderr)")
        let history = try cli.run(["merge", "--quiet"] + config + ["--state", dir + "/state.db", "-o", dir + "/out"] + counted)
        #expect(history.status == 2)
        #expect(history.stderr.contains("--state keeps one record per visitor"), "\(history.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/state.db"))
        let window = try cli.run(["merge", "--quiet"] + config + ["--to", "2026-03-03", "-o", dir + "/out"] + counted)
        #expect(window.status == 2)
        #expect(window.stderr.contains("counted for a period ending at another time"), "\(window.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/out"))
        let partialWithJUnit = try cli.run(["merge", "--partial"] + config + ["--junit", dir + "/j.xml"] + counted)
        #expect(partialWithJUnit.status == 2)
        #expect(partialWithJUnit.stderr.contains("--junit belongs to the merge that writes the report"), "\(partialWithJUnit.stderr)")
        let lonely = try cli.run(["reduce"] + config + ["--to", "2026-03-03"], stdin: Data())
        #expect(lonely.status == 2)
        #expect(lonely.stderr.contains("--to needs --inputs FILE"), "\(lonely.stderr)")
        try Data("#input\t{}\nhello\n".utf8).write(to: URL(fileURLWithPath: dir + "/bad"))
        let bad = try cli.run(["reduce"] + config + ["--inputs", dir + "/bad"], stdin: Data())
        #expect(bad.status == 3)
        #expect(bad.stderr.contains("/bad:1:"), "\(bad.stderr)")
    }

    /// A plain file read in byte ranges by as many maps (`--part`, on standard input), each line in
    /// the range it starts in: the same report as one run, skipped lines numbered in the file.
    @Test func aFileInByteRangesGivesTheSameReport() throws {
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let config = ["-c", root + "/fixtures/golden/uxchurn.yml"]
        let golden = root + "/fixtures/golden"
        let one = try cli.run(["report", "--quiet"] + config + ["-o", dir + "/one", golden])
        #expect(one.status == 0, "\(one.stderr)")
        let plan = try cli.run(["map", "--plan"] + config + [golden]).stdout.split(separator: "\n").map(String.init)
        var lines: [Substring] = []
        for (rank, input) in plan.enumerated() {
            guard !input.hasSuffix(".gz") else {
                lines += try cli.run(["map", "--rank", String(rank)] + config + [input]).stdout.split(separator: "\n")
                continue
            }
            let bytes = [UInt8](try read(input))
            // Ranges of 100 KB; a line belongs to the range it starts in.
            var starts: [Int] = []
            for start in stride(from: 0, to: bytes.count, by: 100_000) {
                var first = start
                while first > 0, first < bytes.count, bytes[first - 1] != 10 { first += 1 }
                starts.append(first)
            }
            starts.append(bytes.count)
            #expect(starts.count > 5)
            for part in 0..<(starts.count - 1) {
                let range = Data(bytes[starts[part]..<max(starts[part], starts[part + 1])])
                let mapped = try cli.run(["map", "--rank", String(rank), "--part", String(part), "--name", input] + config + ["-"], stdin: range)
                #expect(mapped.status == 0, "\(mapped.stderr)")
                lines += mapped.stdout.split(separator: "\n")
            }
        }
        let sorted = lines.sorted().joined(separator: "\n") + "\n"
        let reduced = try cli.run(["reduce"] + config, stdin: Data(sorted.utf8))
        try Data(reduced.stdout.utf8).write(to: URL(fileURLWithPath: dir + "/partial.jsonl"))
        let merged = try cli.run(["merge", "--quiet"] + config + ["-o", dir + "/merged", dir + "/partial.jsonl"])
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(try read(dir + "/one/summary.json") == read(dir + "/merged/summary.json"))
        #expect(try String(decoding: read(dir + "/merged/summary.json"), as: UTF8.self).contains("\"line\": 1486"))
        let two = try cli.run(["map", "--part", "1"] + config + [golden])
        #expect(two.status == 2)
        #expect(two.stderr.contains("--part is a part of one input; 3 given"), "\(two.stderr)")
    }
}
