//! A short two-note chime, made with an oscillator so no sound file is needed.

use web_sys::AudioContext;

thread_local! {
    static AUDIO: std::cell::RefCell<Option<AudioContext>> = const { std::cell::RefCell::new(None) };
}

/// Plays the chime (browsers allow it once the page had a user gesture).
pub fn chime() {
    AUDIO.with(|audio| {
        let mut audio = audio.borrow_mut();
        if audio.is_none() {
            *audio = AudioContext::new().ok();
        }
        let Some(ctx) = audio.as_ref() else { return };
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
