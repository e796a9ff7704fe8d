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
