/// A part of the session key (SPEC.md §3 `session.key`).
public enum SessionKeyPart: Sendable, Equatable {
    case ip
    case userAgent
    case user
    case cookie(String)
}
