//! QR codes as inline SVG (the `qrcodegen` crate, Project Nayuki's reference
//! implementation), for the `otpauth://` URI an authenticator app scans.
//! Inline SVG needs no script and no external image, so the page's Content
//! Security Policy stays as strict as it is.

use qrcodegen::{QrCode, QrCodeEcc};

/// An SVG drawing of `text` as a QR code (error correction M, a 4-module
/// quiet zone), or an empty string when the text is too long for any QR
/// code (never for an otpauth URI).
pub(crate) fn svg(text: &str) -> String {
    let Ok(qr) = QrCode::encode_text(text, QrCodeEcc::Medium) else {
        return String::new();
    };
    let border = 4;
    let size = qr.size();
    let mut path = String::new();
    for y in 0..size {
        for x in 0..size {
            if qr.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + border, y + border));
            }
        }
    }
    let dim = size + 2 * border;
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {dim} {dim}\" width=\"220\" height=\"220\" \
         shape-rendering=\"crispEdges\" role=\"img\" aria-hidden=\"true\" focusable=\"false\">\
         <rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>"
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn draws_an_svg_with_modules() {
        let s = super::svg("otpauth://totp/Sprout:a@b.org?secret=JBSWY3DPEHPK3PXP");
        assert!(s.starts_with("<svg"));
        assert!(s.contains("<path d=\"M"));
        assert!(s.ends_with("</svg>"));
    }
}
