//! A short two-note chime, made with an oscillator so no sound file is needed.
//! Browsers keep audio suspended until the page has had a click or a key (after
//! every reload too), so the first gesture unlocks it.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::AudioContext;

thread_local! {
    static AUDIO: std::cell::RefCell<Option<AudioContext>> = const { std::cell::RefCell::new(None) };
}

/// Runs `play` with the page's audio context (made on first use, resumed if suspended).
fn with_audio(play: impl FnOnce(&AudioContext)) {
    AUDIO.with(|audio| {
        let mut audio = audio.borrow_mut();
        if audio.is_none() {
            *audio = AudioContext::new().ok();
        }
        if let Some(ctx) = audio.as_ref() {
            let _ = ctx.resume();
            play(ctx);
        }
    });
}

/// Unlocks the chime on the page's first click or key (and keeps it unlocked).
pub fn unlock_on_first_gesture() {
    let Some(window) = web_sys::window() else { return };
    let unlock = Closure::<dyn Fn()>::new(|| with_audio(|_| {}));
    for event in ["pointerdown", "keydown"] {
        let _ = window.add_event_listener_with_callback_and_bool(event, unlock.as_ref().unchecked_ref(), true);
    }
    unlock.forget();
}

/// Plays the chime (silent until the page had a gesture; see [`unlock_on_first_gesture`]).
pub fn chime() {
    crate::tally::count("chimes");
    with_audio(|ctx| {
        let now = ctx.current_time();
        for (i, freq) in [880.0f32, 1320.0].into_iter().enumerate() {
            let (Ok(osc), Ok(gain)) = (ctx.create_oscillator(), ctx.create_gain()) else { return };
            let start = now + i as f64 * 0.12;
            osc.frequency().set_value(freq);
            let _ = gain.gain().set_value_at_time(0.0001, start);
            let _ = gain.gain().exponential_ramp_to_value_at_time(0.15, start + 0.02);
            let _ = gain.gain().exponential_ramp_to_value_at_time(0.0001, start + 0.25);
            let _ = osc.connect_with_audio_node(&gain);
            let _ = gain.connect_with_audio_node(&ctx.destination());
            let _ = osc.start_with_when(start);
            let _ = osc.stop_with_when(start + 0.3);
        }
    });
}
