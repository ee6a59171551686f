//! The listening socket, with room for a reconnect storm.
//!
//! `std::net::TcpListener::bind` listens with a queue of 128 connections not
//! yet accepted. When thousands of widgets reconnect at once (after a deploy or
//! a network blip) the queue fills while the server is busy, and the kernel
//! drops what arrives: a dropped SYN costs the client a second, but a dropped
//! final ACK leaves a client that believes it is connected, whose request is
//! then retransmitted with growing backoff — the server accepts the connection
//! later and may wait past its 5 s limit for the request's head (a 408).

use socket2::{Domain, Protocol, Socket, Type};
use std::io;
use std::net::{SocketAddr, TcpListener};

/// Connections the kernel may hold for the server to accept (capped by
/// `net.core.somaxconn`, 4096 on current kernels).
pub const BACKLOG: i32 = 4096;

/// Binds `addr` and listens with a queue of [`BACKLOG`].
pub fn bind(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    // As std does on Unix: a restarted server binds while old connections sit in TIME_WAIT.
    #[cfg(unix)]
    socket.set_reuse_address(true)?;
    socket.bind(&addr.into())?;
    socket.listen(BACKLOG)?;
    Ok(socket.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpStream;
    use std::time::Duration;

    /// More connections than std's queue of 128 complete while nothing accepts:
    /// with that queue the 130th connect would get no answer and time out.
    #[test]
    fn many_connections_wait_to_be_accepted() {
        let listener = bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let addr = listener.local_addr().unwrap();
        let waiting: Vec<TcpStream> = (0..300)
            .map(|i| TcpStream::connect_timeout(&addr, Duration::from_secs(3)).map_err(|e| (i, e)).unwrap())
            .collect();
        assert_eq!(waiting.len(), 300);
        // They are queued, not refused: the first is there to accept.
        let (_accepted, peer) = listener.accept().unwrap();
        assert_eq!(peer, waiting[0].local_addr().unwrap());
    }

    #[test]
    fn a_bound_port_is_refused_a_second_listener() {
        let first = bind("127.0.0.1:0".parse().unwrap()).unwrap();
        assert!(bind(first.local_addr().unwrap()).is_err());
    }
}
