"""Runnable demos of chainrule, one per idea in the lecture notes: ``python -m demos.NAME``.

In the order of the notes (``../shared/seeds/``):

* ``graph``: the computation graph J = 3(a + b·c), forward and backward (002_*);
* ``nudge``: derivatives of a², a³ and ln a by nudging, against backward() (002_*);
* ``neuron``: a single neuron is a logistic regression; one gradient step, and with
  ``--steps N`` many (000_*, 003_*);
* ``two_layer``: the two-layer chain and its four derivatives by the chain rule (000_*);
* ``delta``: the output-layer delta δ_j and ∂L/∂w_ij beside backward() (001_*);
* ``vectorised``: the matrix formulas in NumPy against the engine's per-edge gradients (001_*, 002_*);
* ``drug``: the drug-efficacy data fitted by two sigmoid trend detectors (000_*);
* ``softmax_net``: MLP(4, [5, 3]), its 43 parameters, softmax, trained on iris (001_*);
* ``activations``: softmax, the slopes of sigmoid, tanh, ReLU, leaky ReLU, softplus and
  step, and why a network needs a non-linearity (001_*, 002_*, 003_*);
* ``perceptron``: why the step-function perceptron cannot be trained by gradient descent (002_*);
* ``house``: house-price regression with the mean squared error (002_*, 003_*);
* ``vanishing``: a deep sigmoid network's gradients shrink layer by layer; ReLU's do not (002_*);
* ``moons``: micrograd's two-moons classifier, with its decision boundary as a PNG and
  (``--html``) the training page;
* ``digits``: an MLP trained with softmax cross-entropy on handwritten digits (``--html``:
  its training page);
* ``tour``: the main story in order, from the graph to a trained digits classifier (start here).

Helpers: ``training_page`` (the page), ``digits_page`` (the digits' panels),
``gradient_health`` (saturated and dead units, gradient size per layer), ``_common``.

Each module has ``main(argv=None)`` and functions that return the numbers it prints.
"""
