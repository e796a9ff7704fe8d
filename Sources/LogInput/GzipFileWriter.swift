import CZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes gzip files, as logrotate leaves them: for sample logs and tests.
public enum GzipFileWriter {
    /// Compresses `members` as consecutive gzip members of one file (one member per element).
    public static func write(_ members: [UInt8]..., to path: String, level: Int32 = 6) throws(InputError) {
        var out: [UInt8] = []
        for member in members { out += try compress(member, level: level) }
        guard let file = fopen(path, "wb") else {
            throw .unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        let written = out.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        guard fclose(file) == 0, written == out.count else {
            throw .unreadable(path: path, reason: "could not write: \(String(cString: strerror(errno)))")
        }
    }

    /// One gzip member holding `bytes`.
    public static func compress(_ bytes: [UInt8], level: Int32 = 6) throws(InputError) -> [UInt8] {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deallocate() }
        guard uxc_deflateInit2(stream, level) == Z_OK else {
            throw .unreadable(path: "-", reason: "zlib could not start")
        }
        defer { deflateEnd(stream) }
        var input = bytes
        var output = [UInt8](repeating: 0, count: Int(deflateBound(stream, uLong(bytes.count))) + 64)
        let produced = input.withUnsafeMutableBytes { inRaw in
            output.withUnsafeMutableBytes { outRaw -> Int in
                stream.pointee.next_in = inRaw.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_in = uInt(inRaw.count)
                stream.pointee.next_out = outRaw.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_out = uInt(outRaw.count)
                guard deflate(stream, Z_FINISH) == Z_STREAM_END else { return -1 }
                return outRaw.count - Int(stream.pointee.avail_out)
            }
        }
        guard produced >= 0 else { throw .unreadable(path: "-", reason: "zlib could not compress") }
        return Array(output[0..<produced])
    }
}
