import Testing
@testable import LogInput

@Suite struct LineChunkerTests {
    @Test func aLineCutAtEveryBufferBoundaryComesOutWhole() throws {
        let folder = ScratchFolder()
        let original = (0..<40).map { "line \($0) " + String(repeating: "x", count: $0 % 13) }
        let text = original.joined(separator: "\n") + "\n"
        let path = folder.write("access.log", Array(text.utf8))
        // Every chunk size from just above the line limit moves each boundary through every line.
        for chunkSize in 33...80 {
            let (chunks, fault) = try readAll(path, chunkSize: chunkSize, maxLineLength: 32)
            #expect(fault == nil)
            #expect(lines(of: chunks) == original, "chunk size \(chunkSize)")
            #expect(chunks.allSatisfy { $0.count == 0 || $0.bytes[$0.count - 1] == 0x0A })
        }
    }

    @Test func theThreadedStreamGivesTheSameLines() throws {
        let folder = ScratchFolder()
        let original = (0..<5000).map { "192.0.2.\($0 % 250) line \($0)" }
        let path = folder.write("access.log", Array(original.joined(separator: "\n").utf8))
        let (chunks, fault) = try readAll(path, chunkSize: 4096, maxLineLength: 1024, threaded: true)
        #expect(fault == nil)
        #expect(lines(of: chunks) == original)
    }

    @Test func theTextAfterTheLastNewlineIsALine() throws {
        let folder = ScratchFolder()
        let path = folder.write("access.log", Array("a\nb\nlast".utf8))
        let (chunks, _) = try readAll(path)
        #expect(lines(of: chunks) == ["a", "b", "last"])
    }

    @Test func anEmptyFileHasNoLines() throws {
        let folder = ScratchFolder()
        let path = folder.write("access.log", [])
        let (chunks, fault) = try readAll(path)
        #expect(chunks.isEmpty)
        #expect(fault == nil)
    }

    @Test func aTenMegabyteLineIsSkippedNotKept() throws {
        let folder = ScratchFolder()
        let long = [UInt8](repeating: 0x41, count: 10_000_000)
        let path = folder.write("access.log", Array("before\n".utf8) + long + Array("\nafter\n".utf8))
        let (chunks, fault) = try readAll(path)
        #expect(fault == nil)
        #expect(lines(of: chunks) == ["before", "<overlong 10000000>", "after"])
        let overlong = chunks.compactMap(\.overlongBefore)
        #expect(overlong.first?.prefix.count == LineChunker.samplePrefixLength)
        // Memory stays bounded: no chunk holds more than one buffer.
        #expect(chunks.allSatisfy { $0.count <= LineChunker.defaultChunkSize })
    }

    @Test func overlongLinesAtTheEndAndInARow() throws {
        let folder = ScratchFolder()
        let text = "ok\n" + String(repeating: "y", count: 50) + "\n" + String(repeating: "z", count: 70)
        let path = folder.write("access.log", Array(text.utf8))
        for chunkSize in [33, 40, 64, 100] {
            let (chunks, _) = try readAll(path, chunkSize: chunkSize, maxLineLength: 32)
            #expect(lines(of: chunks, maxLineLength: 32) == ["ok", "<overlong 50>", "<overlong 70>"], "chunk size \(chunkSize)")
        }
    }

    @Test func aLineOfExactlyTheLimitIsKept() throws {
        let folder = ScratchFolder()
        let exact = String(repeating: "k", count: 32)
        let path = folder.write("access.log", Array((exact + "\n" + exact + "x\n").utf8))
        let (chunks, _) = try readAll(path, chunkSize: 40, maxLineLength: 32)
        #expect(lines(of: chunks, maxLineLength: 32) == [exact, "<overlong 33>"])
    }

    @Test func binaryJunkAndLatin1BytesPassThroughUnchanged() throws {
        let folder = ScratchFolder()
        var bytes: [UInt8] = Array("caf\u{E9}\n".utf8)
        bytes += [0xE9, 0x00, 0xFF, 0x16, 0x03, 0x0A, 0x41]  // Latin-1 é, NUL, junk, newline, A
        let path = folder.write("junk.log", bytes)
        let (chunks, _) = try readAll(path)
        let all = chunks.flatMap { $0.bytes[0..<$0.count] }
        #expect(all == bytes)
    }
}
