import Foundation
import LogInput
import Testing
@testable import LogParsing

/// The parser threads: every input's chunks come back in order, parsed as on one thread, and
/// the workers end when the pool does.
@Suite struct WorkerPoolTests {
    static func logFile(lines: Int, seed: Int) throws -> LogInputFile {
        var text = ""
        for i in 0..<lines {
            let second = (i * 7 + seed) % 60
            text += "10.0.\(seed).\(i % 200) - - [02/Mar/2026:10:\(String(format: "%02d", i / 60 % 60)):\(String(format: "%02d", second)) +0000] "
            text += "\"GET /p/\(i % 97)?s=\(seed) HTTP/1.1\" 200 512 \"https://www.example.com/\" \"Mozilla/5.0 (X11)\"\n"
            if i % 50 == 49 { text += "not a log line \(i)\n" }
        }
        let path = NSTemporaryDirectory() + "uxchurn-pool-\(UUID().uuidString).log"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return try #require(try InputResolver.resolve([path]).first)
    }

    static func chunker(_ input: LogInputFile) throws -> LineChunker {
        LineChunker(reader: try LogReader(input), chunkSize: 4096, maxLineLength: 2048)
    }

    static func summary(_ results: [ChunkResult]) -> [Int] {
        results.flatMap { [$0.physicalLines, $0.counts.parsed, $0.counts.skipped, $0.hits.count, $0.samples.count] }
    }

    @Test(arguments: [1, 2, 3])
    func chunksComeBackInOrderParsedAsOnOneThread(jobs: Int) throws {
        let inputs = [try Self.logFile(lines: 3000, seed: 1), try Self.logFile(lines: 2000, seed: 2)]
        defer { for input in inputs { try? FileManager.default.removeItem(atPath: input.name) } }
        let options = IngestOptions(format: .combined, ignore: [], bots: [])
        // One thread: the reference.
        var serial: [[ChunkResult]] = []
        for input in inputs {
            var parser = try ChunkParser(format: .combined, options: options)
            let chunker = try Self.chunker(input)
            var results: [ChunkResult] = []
            while var chunk = try chunker.next() { results.append(parser.parse(&chunk)) }
            serial.append(results)
        }
        let pool = try WorkerPool(jobs: jobs)
        let numbers = try inputs.map { try pool.add(try Self.chunker($0), gzip: false, format: .combined, options: options) }
        // The two inputs taken in turns, as the ingest interleaves them by time.
        var parallel: [[ChunkResult]] = [[], []]
        var open = [true, true]
        while open.contains(true) {
            for index in 0..<2 where open[index] {
                if let (result, worker) = try pool.next(of: numbers[index]) {
                    #expect(worker >= 0 && worker < jobs)
                    parallel[index].append(result)
                } else {
                    open[index] = false
                }
            }
        }
        pool.shutdown()
        for index in 0..<2 {
            #expect(parallel[index].count == serial[index].count)
            #expect(Self.summary(parallel[index]) == Self.summary(serial[index]))
            #expect(parallel[index].map(\.consumed) == serial[index].map(\.consumed))
        }
        #expect(serial[0].reduce(0) { $0 + $1.counts.skipped } == 60)
    }

    @Test func aPoolDroppedBeforeItsInputsEndStopsItsWorkers() throws {
        let input = try Self.logFile(lines: 5000, seed: 3)
        defer { try? FileManager.default.removeItem(atPath: input.name) }
        let options = IngestOptions(format: .combined, ignore: [], bots: [])
        var pool: WorkerPool? = try WorkerPool(jobs: 2)
        let number = try #require(try pool?.add(try Self.chunker(input), gzip: false, format: .combined, options: options))
        let first = try pool?.next(of: number)
        #expect(first?.0.counts.parsed ?? 0 > 0)
        // A run that stopped after one chunk: releasing the pool joins its workers.
        pool = nil
        #expect(pool == nil)
    }
}
