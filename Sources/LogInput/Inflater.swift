#if ISAL
import CISAL
#else
import CZlib
#endif

/// One gzip member at a time, header, deflate data and trailer (CRC-32 and length) checked.
///
/// Built with ISA-L's inflate (the default `ISAL` trait: x86-64 and arm64 assembly, about four
/// times as fast as zlib's), or with zlib's where ISA-L is not built
/// (`swift build --disable-default-traits`). The state lives at a fixed heap address for the
/// inflater's lifetime.
final class Inflater {
    /// Which library inflates, for `uxchurn --version`.
    #if ISAL
    static let library = "ISA-L"
    private let state: UnsafeMutablePointer<inflate_state>
    #else
    static let library = "zlib"
    private let stream: UnsafeMutablePointer<z_stream>
    #endif

    enum Step: Equatable {
        /// More input or more room is needed.
        case inflating
        /// The member's trailer was read and matched; the last `unread` compressed bytes taken
        /// from the input belong to what follows the member.
        case memberEnded(unread: Int)
        /// The member's data does not match its trailer's CRC-32 or length (ISA-L, which has
        /// one status for both): the length it counted (modulo 2^32, as the trailer stores
        /// it), and how many bytes taken after the trailer it left unread.
        case trailerMismatch(countedLength: UInt32, unread: Int)
        /// The data is not a gzip member, or does not match its trailer.
        case fault(String)
    }

    init?() {
        #if ISAL
        state = .allocate(capacity: 1)
        isal_inflate_init(state)
        state.pointee.crc_flag = UInt32(ISAL_GZIP)
        #else
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // 15 window bits + 16: a gzip wrapper, not zlib or raw deflate.
        guard uxc_inflateInit2(stream, 15 + 16) == Z_OK else {
            stream.deallocate()
            return nil
        }
        #endif
    }

    deinit {
        #if ISAL
        state.deallocate()
        #else
        inflateEnd(stream)
        stream.deallocate()
        #endif
    }

    /// Ready for the next member.
    func reset() {
        #if ISAL
        isal_inflate_reset(state)
        state.pointee.crc_flag = UInt32(ISAL_GZIP)
        #else
        inflateReset(stream)
        #endif
    }

    /// Inflates from `input` into `output`, both non-empty and under 4 GiB.
    ///
    /// - Returns: the bytes of `input` taken, the bytes written to `output`, and where the
    ///   member stands.
    func inflate(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> (taken: Int, written: Int, step: Step) {
        guard let source = input.baseAddress, let target = output.baseAddress else { return (0, 0, .inflating) }
        #if ISAL
        state.pointee.next_in = UnsafeMutablePointer(mutating: source.assumingMemoryBound(to: UInt8.self))
        state.pointee.avail_in = UInt32(input.count)
        state.pointee.next_out = target.assumingMemoryBound(to: UInt8.self)
        state.pointee.avail_out = UInt32(output.count)
        let status = isal_inflate(state)
        let taken = input.count - Int(state.pointee.avail_in)
        let written = output.count - Int(state.pointee.avail_out)
        switch status {
        case ISAL_DECOMP_OK, ISAL_END_INPUT, ISAL_OUT_OVERFLOW:
            guard state.pointee.block_state == ISAL_BLOCK_FINISH else { return (taken, written, .inflating) }
            // Whole bytes left in ISA-L's bit buffer after the trailer are the start of what follows.
            return (taken, written, .memberEnded(unread: unreadBytes))
        case ISAL_INCORRECT_CHECKSUM:
            return (taken, written, .trailerMismatch(countedLength: state.pointee.total_out, unread: unreadBytes))
        case ISAL_INVALID_WRAPPER, ISAL_UNSUPPORTED_METHOD:
            return (taken, written, .fault("not a gzip member header"))
        case ISAL_INVALID_BLOCK:
            return (taken, written, .fault("invalid block type"))
        case ISAL_INVALID_SYMBOL:
            return (taken, written, .fault("invalid code"))
        case ISAL_INVALID_LOOKBACK:
            return (taken, written, .fault("invalid distance too far back"))
        default:
            return (taken, written, .fault("ISA-L status \(status)"))
        }
        #else
        stream.pointee.next_in = UnsafeMutablePointer(mutating: source.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(input.count)
        stream.pointee.next_out = target.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(output.count)
        let status = CZlib.inflate(stream, Z_NO_FLUSH)
        let taken = input.count - Int(stream.pointee.avail_in)
        let written = output.count - Int(stream.pointee.avail_out)
        switch status {
        case Z_OK, Z_BUF_ERROR:
            return (taken, written, .inflating)
        case Z_STREAM_END:
            // zlib stops at the trailer's last byte.
            return (taken, written, .memberEnded(unread: 0))
        default:
            return (taken, written, .fault(stream.pointee.msg.map { String(cString: $0) } ?? "zlib status \(status)"))
        }
        #endif
    }

    #if ISAL
    /// Whole bytes in ISA-L's bit buffer (it reads ahead up to eight).
    private var unreadBytes: Int { max(0, Int(state.pointee.read_in_length) / 8) }
    #endif
}
