import LogInput
import Testing

@Suite struct EscapeTests {
    @Test func bytesKeepUTF8AndShowEveryOtherByte() {
        #expect(Escape.bytes(Array("GET /café ✓".utf8)) == "GET /café ✓")
        #expect(Escape.bytes([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A]) == "\\x89PNG\\x0d\\x0a\\x1a")
        // Latin-1 "é" (0xE9) alone, a UTF-8 sequence cut short, NUL, ESC, DEL and a C1 control.
        #expect(Escape.bytes([0x63, 0x61, 0x66, 0xE9]) == "caf\\xe9")
        #expect(Escape.bytes([0x41, 0xE2, 0x9C, 0x42]) == "A\\xe2\\x9cB")
        #expect(Escape.bytes([0x00, 0x1B, 0x5B, 0x7F, 0xC2, 0x85]) == "\\x00\\x1b[\\x7f\\x85")
        #expect(Escape.bytes([0x09, 0x41], keeping: ["\t"]) == "\tA")
        #expect(Escape.bytes([]) == "")
    }
}
