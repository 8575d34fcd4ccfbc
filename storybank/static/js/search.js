/* As-you-type suggestions: fills the datalist from /api/v1/search/suggest. */
(function () {
  var input = document.getElementById("search-q"), list = document.getElementById("search-suggestions"), timer;
  if (!input || !window.fetch) return;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var text = input.value;
    if (text.trim().length < 2) return;
    timer = setTimeout(function () {
      fetch(input.dataset.suggestUrl + "?q=" + encodeURIComponent(text) + "&locale=" + encodeURIComponent(input.dataset.locale || "vi"))
        .then(function (response) { return response.ok ? response.json() : {suggestions: []}; })
        .then(function (data) {
          list.textContent = "";
          data.suggestions.forEach(function (item) {
            var option = document.createElement("option");
            option.value = item.title;
            list.appendChild(option);
          });
        }).catch(function () {});
    }, 150);
  });
})();

/* Phones: the filters below the results are a closed drawer; "Filters" at the top of the results opens it. */
(function () {
  var drawer = document.querySelector(".filters-drawer");
  if (!drawer || !window.matchMedia || window.matchMedia("(min-width: 56rem)").matches) return;
  drawer.open = false;
  var jump = document.querySelector(".filters-jump a");
  if (jump) jump.addEventListener("click", function () { drawer.open = true; });
})();
