import Foundation
@testable import LogInput

/// A scratch folder per test, removed when the value goes away.
final class ScratchFolder {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "uxchurn-test-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) -> String {
        let full = path + "/" + name
        _ = FileManager.default.createFile(atPath: full, contents: Data(bytes))
        return full
    }
}

/// Every chunk of an input, and the fault after them, if any.
func readAll(_ path: String, chunkSize: Int = LineChunker.defaultChunkSize,
             maxLineLength: Int = LineChunker.defaultMaxLineLength, threaded: Bool = false)
    throws -> (chunks: [LineChunk], fault: InputError?) {
    let reader = try LogReader(LogInputFile(name: path, location: .path(path)))
    let chunker = LineChunker(reader: reader, chunkSize: chunkSize, maxLineLength: maxLineLength)
    var chunks: [LineChunk] = []
    do {
        if threaded {
            let stream = try ChunkStream(chunker: chunker)
            while var chunk = try stream.next() {
                var copy = chunk
                copy.bytes = Array(chunk.bytes[0..<chunk.count])
                chunks.append(copy)
                stream.recycle(&chunk)
            }
        } else {
            while let chunk = try chunker.next() {
                var copy = chunk
                copy.bytes = Array(chunk.bytes[0..<chunk.count])
                chunks.append(copy)
            }
        }
        return (chunks, nil)
    } catch {
        return (chunks, error)
    }
}

/// The lines the chunks hold, an overlong line as `<overlong N>`: one the chunker skipped, or,
/// as the ingest stage does, one longer than `maxLineLength` that a chunk holds whole.
func lines(of chunks: [LineChunk], maxLineLength: Int = .max) -> [String] {
    var result: [String] = []
    for chunk in chunks {
        if let long = chunk.overlongBefore { result.append("<overlong \(long.length)>") }
        var text = chunk.bytes[0..<chunk.count]
        if text.last == 0x0A { text = text.dropLast() }
        if chunk.count > 0 {
            result += text.split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
                line.count > maxLineLength ? "<overlong \(line.count)>" : String(decoding: line, as: UTF8.self)
            }
        }
    }
    return result
}
