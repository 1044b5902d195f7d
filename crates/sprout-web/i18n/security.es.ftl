# Seguridad de la cuenta: contraseñas, el segundo factor, sesiones,
# recuperación, límites de intentos y la gestión de cuentas por el personal.

## Reglas de contraseña (sprout_domain::password)
password-too-short = Use al menos { $min } caracteres. Una frase larga de palabras sin relación es fácil de recordar y difícil de adivinar.
password-too-long = Use como máximo { $max } caracteres.
password-personal = No forme su contraseña con su nombre ni con su correo electrónico.
password-common = Esta es una de las contraseñas más usadas. Elija algo que solo se le ocurriría a usted.
password-common-words = Las palabras y los nombres comunes, solos, son fáciles de adivinar. Agregue más palabras sin relación entre sí.
password-repeated = Las letras o los patrones repetidos, como "aaaa" o "abcabc", son fáciles de adivinar.
password-pattern = Las secuencias y las filas del teclado, como "abcd", "1234" o "qwerty", son fáciles de adivinar.
password-dates = Las fechas y los años son fáciles de adivinar.
password-guessable = Esta contraseña sería fácil de adivinar. Agregue más palabras sin relación entre sí.

## Inicio de sesión: segundo paso, límites, avisos
security-forgot-link = ¿Olvidó su contraseña?
security-temporary-expired = Esta contraseña temporal ya venció. Llame al consultorio para pedir una nueva.
security-429-title = Demasiados intentos
security-429-body = Por su seguridad, espere unos minutos antes de volver a intentarlo.
security-code-title = Escriba su código
security-code-intro = Abra la aplicación de autenticación en su teléfono y escriba el código de 6 dígitos de este portal.
security-code-label = Código
security-code-hint = ¿Perdió su teléfono? Escriba uno de sus códigos de recuperación.
security-code-submit = Continuar
security-code-start-over = Empezar de nuevo
security-code-wrong = Ese código no funcionó. Los códigos cambian cada 30 segundos y cada uno sirve una sola vez; escriba el más reciente.
security-notice-password-changed = Se cambió su contraseña. Inicie sesión con la nueva.
security-notice-deactivated = Su cuenta está desactivada y se cerró su sesión. Llame al consultorio si quiere recuperarla.
security-notice-code-expired = El inicio de sesión tardó demasiado. Vuelva a iniciar sesión.

## La página de la cuenta
security-nav-account = Seguridad de la cuenta
security-account-title = Seguridad de la cuenta
security-password-heading = Contraseña
security-password-changed-on = Último cambio:
security-password-change = Cambiar la contraseña
security-two-factor-heading = Verificación en dos pasos
security-two-factor-on = Activada: al iniciar sesión se pide un código de su aplicación de autenticación.
security-two-factor-off = Desactivada
security-two-factor-why = Con la verificación en dos pasos, quien descubra su contraseña no podrá ver los expedientes de su familia sin su teléfono.
security-two-factor-enable = Activar la verificación en dos pasos
security-two-factor-replace = Usar otro teléfono u otra aplicación
security-two-factor-remove = Desactivar la verificación en dos pasos
security-codes-left = Códigos de recuperación sin usar:
security-deactivate-heading = Desactivar la cuenta
security-deactivate-body = Se cerrará su sesión en todos los dispositivos y nadie podrá entrar con esta cuenta. Los expedientes de su familia se conservan. El consultorio puede volver a activar la cuenta.
security-deactivate-submit = Desactivar mi cuenta
security-confirm-password = Su contraseña
security-current-wrong = Esa contraseña no es correcta.
security-notice-password-changed-here = Se cambió su contraseña. Se cerró la sesión en todos sus otros dispositivos.
security-notice-two-factor-removed = La verificación en dos pasos está desactivada.
security-two-factor-staff-keep = Las cuentas del personal deben mantener la verificación en dos pasos. Puede pasarla a otro teléfono.
security-two-factor-password-short = Su contraseña tiene menos de { $min } caracteres. Elija una contraseña más larga antes de desactivar la verificación en dos pasos.

## Cambiar la contraseña
security-password-title = Cambiar la contraseña
security-password-forced = Inició sesión con una contraseña temporal. Elija su propia contraseña para continuar.
security-current-password = Contraseña actual
security-new-password = Contraseña nueva
security-password-rule = Al menos { $min } caracteres. Se aceptan frases largas; puede pegarla desde un gestor de contraseñas.
security-password-submit = Guardar la contraseña nueva
security-password-same = La contraseña nueva debe ser distinta de la actual.

## Activar el segundo factor
security-two-factor-title = Activar la verificación en dos pasos
security-two-factor-required = Las cuentas del personal necesitan la verificación en dos pasos antes de abrir expedientes de pacientes.
security-two-factor-replacing = Configurar otro teléfono u otra aplicación reemplaza la anterior y sus códigos de recuperación anteriores.
security-enroll-step-app = Instale una aplicación de autenticación en su teléfono (por ejemplo Google Authenticator, Microsoft Authenticator o un gestor de contraseñas).
security-enroll-step-scan = En la aplicación, agregue una cuenta y escanee este código.
security-enroll-step-type = ¿No puede escanearlo? Escriba esta clave:
security-enroll-open-app = ¿Está en el teléfono? Abra la clave en su aplicación de autenticación.
security-enroll-step-code = Escriba el código de 6 dígitos que muestra la aplicación.
security-enroll-submit = Activar
security-enroll-wrong = Ese código no coincide. Revise la clave y la hora de su teléfono, y escriba el código más reciente.
security-codes-title = Sus códigos de recuperación
security-two-factor-done = La verificación en dos pasos está activada.
security-codes-intro = Guarde estos códigos en un lugar seguro, por ejemplo impresos en casa. Cada uno le permite iniciar sesión una vez si pierde su teléfono. Solo se muestran ahora.
security-codes-done = Listo

## Confirmar la contraseña
security-confirm-title = Confirme que es usted
security-confirm-intro = Por su seguridad, vuelva a escribir su contraseña antes de hacer este cambio.
security-confirm-submit = Continuar

## Olvidé mi contraseña
security-forgot-title = Olvidó su contraseña
security-forgot-intro = Escriba el correo electrónico con el que inicia sesión. Si pertenece a una cuenta, le enviaremos un enlace para elegir una contraseña nueva.
security-forgot-submit = Enviar enlace
security-forgot-sent-title = Revise su correo
security-forgot-sent-body = Si ese correo pertenece a una cuenta, le llegará un enlace para elegir una contraseña nueva. El enlace sirve una sola vez y durante una hora.
security-back-to-sign-in = Volver a iniciar sesión
security-reset-title = Elija una contraseña nueva
security-reset-dead-title = Este enlace ya no funciona
security-reset-dead-body = Los enlaces de contraseña sirven una sola vez y durante una hora. Pida uno nuevo.
security-reset-ask-again = Pedir un enlace nuevo
security-reset-email-subject = { $practice }: elija una contraseña nueva
security-reset-email-body =
    Hola, { $name }:

    Alguien pidió restablecer la contraseña de su cuenta del portal de pacientes de { $practice }. Para elegir una contraseña nueva, abra este enlace antes de una hora:

    { $link }

    El enlace sirve una sola vez. Si usted no lo pidió, puede ignorar este correo: su contraseña no cambia.

## Personal: cuentas
security-staff-link-heading = Cuentas
security-staff-link-body = Busque la cuenta de una familia o de un colega para imprimir una contraseña temporal, desactivarla o volver a activarla.
security-staff-title = Cuentas
security-staff-intro = Busque una cuenta por su correo electrónico.
security-staff-find = Buscar una cuenta
security-staff-find-submit = Buscar
security-staff-not-found = Ninguna cuenta que usted pueda gestionar tiene ese correo electrónico.
security-staff-kind = Tipo
security-staff-status = Estado
security-staff-temporary = Contraseña temporal válida hasta
security-staff-family-account = Familia
security-staff-issue-temporary = Imprimir una contraseña temporal
security-staff-remove-two-factor = Desactivar la verificación en dos pasos (teléfono perdido)
security-staff-deactivate = Desactivar
security-staff-reactivate = Volver a activar
security-staff-done-deactivated = La cuenta está desactivada y se cerraron todas sus sesiones.
security-staff-done-reactivated = La cuenta vuelve a estar activa.
security-staff-done-two-factor = La verificación en dos pasos está desactivada para esta cuenta. Se cerraron todas sus sesiones.
security-status-pending = Sin activar
security-status-active = Activa
security-status-deactivated = Desactivada
security-letter-title = Contraseña temporal
security-letter-back = Volver a la cuenta
security-letter-heading = Su contraseña del portal de pacientes
security-letter-body = Esta es una contraseña temporal para el portal de pacientes.
security-letter-address = Dirección del portal
security-letter-password = Contraseña temporal
security-letter-until = Esta contraseña funciona hasta el { $date }.
security-letter-change = Al iniciar sesión, se le pedirá que elija su propia contraseña.
security-letter-portal-fallback = Pida al consultorio la dirección del portal.

## Palabras del registro de auditoría
audit-object-account = Cuenta
audit-object-password = Contraseña
audit-object-second-factor = Verificación en dos pasos
audit-object-password-reset = Enlace para restablecer la contraseña
