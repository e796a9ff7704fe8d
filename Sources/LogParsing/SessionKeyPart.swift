/// A part of the session key (`session.key` in the configuration).
public enum SessionKeyPart: Sendable, Equatable {
    case ip
    case userAgent
    case user
    case cookie(String)
}
