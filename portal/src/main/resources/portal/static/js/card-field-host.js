// The page that frames the gateway's card field: it takes only a token from it, from the gateway's origin, and binds
// it through the portal's own form. The card number never passes through this page.
(function () {
  'use strict';
  var frame = document.getElementById('card-field');
  var form = document.getElementById('bind-card');
  if (!frame || !form) {
    return;
  }
  var gatewayOrigin = frame.dataset.gatewayOrigin;
  window.addEventListener('message', function (event) {
    if (event.origin !== gatewayOrigin || event.source !== frame.contentWindow) {
      return;
    }
    var data = event.data || {};
    if (data.type !== 'autotopup-card-token' || !/^tok_[A-Za-z0-9]+$/.test(data.token || '')) {
      return;
    }
    form.elements.token.value = data.token;
    form.submit();
  });
})();
