//! Commands from the keyboard (and other far-away places) to the component
//! that carries them out, through one signal in context.

use leptos::prelude::*;

/// Something the agent asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    Next,
    Previous,
    Reply,
    Comment,
    Close,
    AssignAgent,
    AssignGroup,
    Labels,
    Snooze,
    MarkUnread,
    Search,
}

/// The latest command, numbered so the same command twice is seen twice.
#[derive(Clone, Copy)]
pub struct Commands(RwSignal<(u32, Option<Command>)>);

impl Commands {
    pub fn new() -> Self {
        Self(RwSignal::new((0, None)))
    }

    pub fn issue(&self, command: Command) {
        self.0.update(|(n, c)| {
            *n += 1;
            *c = Some(command);
        });
    }

    /// Runs `run` for each new command (call inside a component).
    pub fn on(&self, run: impl Fn(Command) + 'static) {
        let signal = self.0;
        let mounted_at = signal.get_untracked().0;
        Effect::new(move |_| {
            if let (n, Some(command)) = signal.get()
                && n > mounted_at
            {
                run(command);
            }
        });
    }
}
