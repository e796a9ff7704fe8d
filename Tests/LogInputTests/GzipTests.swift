import Testing
@testable import LogInput

@Suite struct GzipTests {
    let text = (0..<3000).map { "203.0.113.\($0 % 200) - - line number \($0)" }.joined(separator: "\n") + "\n"

    @Test func gzipIsRecognisedByItsMagicBytesNotItsName() throws {
        let folder = ScratchFolder()
        let path = folder.path + "/access.log.1"  // no .gz in the name
        try GzipFileWriter.write(Array(text.utf8), to: path)
        let (chunks, fault) = try readAll(path)
        #expect(fault == nil)
        #expect(lines(of: chunks).joined(separator: "\n") + "\n" == text)
    }

    @Test func everyMemberOfAMultiMemberFileIsRead() throws {
        let folder = ScratchFolder()
        let path = folder.path + "/access.log.2.gz"
        try GzipFileWriter.write(Array("first\n".utf8), Array("second\n".utf8), Array("third".utf8), to: path)
        let (chunks, fault) = try readAll(path)
        #expect(fault == nil)
        #expect(lines(of: chunks) == ["first", "second", "third"])
    }

    @Test func aTruncatedFileKeepsTheLinesBeforeTheFault() throws {
        let folder = ScratchFolder()
        let whole = try GzipFileWriter.compress(Array(text.utf8))
        for cut in [whole.count / 3, whole.count / 2, whole.count - 9] {
            let path = folder.write("cut-\(cut).gz", Array(whole[0..<cut]))
            let (chunks, fault) = try readAll(path, chunkSize: 2048, maxLineLength: 1024)
            #expect(fault == .truncatedGzip(file: path, offset: cut))
            let got = lines(of: chunks)
            #expect(!got.isEmpty)
            let expected = text.split(separator: "\n").map(String.init)
            // Every whole line before the fault is there, in order; the last may be cut short.
            for (index, line) in got.dropLast().enumerated() { #expect(line == expected[index]) }
            #expect(expected[got.count - 1].hasPrefix(got.last ?? ""))
        }
    }

    @Test func aCorruptFileNamesTheOffset() throws {
        let folder = ScratchFolder()
        var bytes = try GzipFileWriter.compress(Array(text.utf8))
        for index in 40..<60 { bytes[index] ^= 0x5A }
        let path = folder.write("corrupt.gz", bytes)
        let (_, fault) = try readAll(path)
        guard case let .corruptGzip(file, offset, _)? = fault else {
            Issue.record("expected a corrupt-gzip fault, got \(String(describing: fault))")
            return
        }
        #expect(file == path)
        #expect(offset >= 40 && offset <= bytes.count)
    }

    @Test func junkAfterAMemberIsAFaultButZeroPaddingIsNot() throws {
        let folder = ScratchFolder()
        let member = try GzipFileWriter.compress(Array("only\n".utf8))
        let padded = folder.write("padded.gz", member + [UInt8](repeating: 0, count: 100))
        let (chunks, fault) = try readAll(padded)
        #expect(fault == nil)
        #expect(lines(of: chunks) == ["only"])
        let junk = folder.write("junk.gz", member + Array("garbage".utf8))
        let (junkChunks, junkFault) = try readAll(junk)
        #expect(lines(of: junkChunks) == ["only"])
        #expect(junkFault == .corruptGzip(file: junk, offset: member.count, reason: "no gzip member follows the end of the previous one"))
    }
}

/// The trailer of each member (CRC-32 and length) is checked, and a mismatch named after the
/// member's lines.
@Suite struct GzipTrailerTests {
    /// zlib stops at a wrong CRC-32 before it reads the trailer's length field; ISA-L reads both.
    static let unreadAfterAWrongCRC = Inflater.library == "zlib" ? 4 : 0

    let text = (0..<3000).map { "203.0.113.\($0 % 200) - - line number \($0)" }.joined(separator: "\n") + "\n"

    @Test func aWrongCRCIsAFaultAfterTheMembersLines() throws {
        let folder = ScratchFolder()
        var bytes = try GzipFileWriter.compress(Array(text.utf8))
        bytes[bytes.count - 8] ^= 0x01  // the CRC-32's first byte
        let path = folder.write("crc.gz", bytes)
        let (chunks, fault) = try readAll(path)
        #expect(fault == .corruptGzip(file: path, offset: bytes.count - Self.unreadAfterAWrongCRC, reason: "incorrect data check"))
        #expect(lines(of: chunks).count == 3000)
    }

    @Test func aWrongLengthIsAFault() throws {
        let folder = ScratchFolder()
        var bytes = try GzipFileWriter.compress(Array(text.utf8))
        bytes[bytes.count - 1] ^= 0x80  // the length's last byte
        let path = folder.write("length.gz", bytes)
        let (_, fault) = try readAll(path)
        #expect(fault == .corruptGzip(file: path, offset: bytes.count, reason: "incorrect length check"))
    }

    @Test func aBadSecondMemberKeepsTheFirstAndStopsThere() throws {
        let folder = ScratchFolder()
        let first = try GzipFileWriter.compress(Array("first\n".utf8))
        var second = try GzipFileWriter.compress(Array("second\n".utf8))
        second[second.count - 5] ^= 0xFF
        let path = folder.write("two.gz", first + second)
        let (chunks, fault) = try readAll(path)
        #expect(fault == .corruptGzip(file: path, offset: first.count + second.count - Self.unreadAfterAWrongCRC, reason: "incorrect data check"))
        #expect(lines(of: chunks) == ["first", "second"])
    }

    /// Members whose trailers are cut by the end of the reader's input buffer, at every offset.
    @Test func aTrailerAcrossTheInputBufferIsReadWhole() throws {
        let folder = ScratchFolder()
        // Bytes that do not compress, so the compressed size follows the length closely.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func noise(_ count: Int) -> [UInt8] {
            (1..<count).map { _ in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return UInt8(truncatingIfNeeded: state >> 33)
            } + [0x0A]
        }
        let buffer = LogReader.inputBufferSize
        let probe = try GzipFileWriter.compress(noise(buffer), level: 1)
        let overhead = probe.count - buffer
        var straddled = 0
        for cut in 1..<8 {
            // The first member ends `cut` bytes into the second buffer: its trailer straddles.
            var length = buffer + cut - overhead
            var member = try GzipFileWriter.compress(noise(length), level: 1)
            while member.count != buffer + cut {
                length += buffer + cut - member.count
                member = try GzipFileWriter.compress(noise(length), level: 1)
                if abs(member.count - (buffer + cut)) > 64 { break }
            }
            guard member.count == buffer + cut else { continue }
            straddled += 1
            let next = try GzipFileWriter.compress(Array("after\n".utf8))
            let path = folder.write("straddle-\(cut).gz", member + next)
            let (chunks, fault) = try readAll(path)
            #expect(fault == nil)
            let total = chunks.reduce(0) { $0 + $1.count + ($1.overlongBefore?.length ?? 0) }
            #expect(total >= length)
            #expect(lines(of: chunks).last == "after")
        }
        #expect(straddled >= 4)
    }
}
