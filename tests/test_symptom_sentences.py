"""A sentence describing what the user sees, in English or Chinese, names the family.

Each case is how a user titles a question about one family, in their own words
rather than the exact message (which the wording patterns already match): the
`symptoms:` phrases of the rule must fit it, and no other family's phrases may
fit it as well or better.
"""

from __future__ import annotations

import pytest

from kerasdoctor.explain import explain
from kerasdoctor.types import CONFIDENT, KIND_CAPS

DESCRIBED = [
    ("sparse-label-out-of-range", "my labels start at 1 and the loss becomes nan"),
    ("sparse-label-out-of-range", "标签从1开始, loss变成nan"),
    ("trainable-set-after-compile", "changing the trainable flag of my layers doesn't work"),
    ("trainable-set-after-compile", "修改了层的trainable属性不起作用"),
    ("trainable-set-after-compile", "冻结了预训练的层，训练时这些层的参数还在更新"),
    ("trainable-set-after-compile", "the frozen layers are still updated when I call fit again"),
    ("training-not-reproducible", "setting the random seed is not working, every run of my keras model ends differently"),
    ("training-not-reproducible", "我设置了随机种子，可是不起作用"),
    ("sparse-label-out-of-range", "the loss is nan unless I raise the number of classes of the last layer"),
    ("validation-split-unsupported-input", "model.fit with validation_split fails when my features are a pandas DataFrame"),
    ("custom-layer-missing-get-config", "do I really need to add get_config to my layer before saving the model?"),
    ("custom-layer-missing-get-config", "保存模型之前，自定义层需要添加get_config吗"),
    ("keras-implementations-mixed-layer", "some of my layers come from keras instead of tf.keras and the model misbehaves"),
    ("keras-implementations-mixed-layer", "代码里导入的是keras而不是tf.keras，模型就不对了"),
    ("validation-split-unsupported-input", "用pandas的DataFrame训练时设置validation_split就报错"),
    ("gpu-compute-capability-unsupported", "on the new server the gpu startup is very slow, minutes before the first batch"),
    ("gpu-compute-capability-unsupported", "tensorflow freezes for minutes at Adding visible gpu devices on my new card"),
    ("gpu-compute-capability-unsupported", "换了新显卡以后tensorflow启动很慢，要等好几分钟才开始训练"),
    ("no-tensorflow-wheel-for-python", "can I install tensorflow on python 3.13? pip says nothing matches"),
    ("no-tensorflow-wheel-for-python", "the tensorflow-gpu version I pinned is not available anymore"),
    ("tf-converter-keras3-model", "tflite conversion fails since keras 3, the same model converted before"),
    ("cuda-libraries-not-found", "cudart64_110.dll not found when tensorflow starts, training uses the cpu"),
    ("tf-converter-keras3-model", "升级到keras 3以后用TFLiteConverter转换模型报错"),
    ("input-rank-mismatch", "my grayscale images are missing the channel dimension and the Conv2D model refuses them"),
    ("input-rank-mismatch", "灰度图片没有通道维度，输入卷积网络时报错"),
    ("custom-objects-on-load", "reloading my saved .keras model in a new session fails: custom class not found"),
    ("custom-objects-on-load", "在新的会话里加载保存的模型报错，自定义的类找不到"),
    ("lambda-layer-serialization", "model with a Lambda layer saved as SavedModel cannot be loaded again"),
    ("lambda-layer-serialization", "含有Lambda层的模型保存成SavedModel格式后读取报错"),
    ("inference-preprocessing-mismatch", "导入保存的模型后预测结果和训练时不一致"),
    ("sparse-labels-logits-shape", "Keras sparse_categorical_crossentropy shape mismatch with my one-hot labels"),
    ("sparse-labels-logits-shape", "用sparse_categorical_crossentropy训练时logits和labels维度不一致"),
    ("pretrained-model-input-shape", "fine-tuning EfficientNet on grayscale images fails, what input shape should I use?"),
    ("pretrained-model-input-shape", "用VGG19迁移学习训练灰度图片报错"),
    ("no-gradients-provided", "my custom loss uses K.round on the predictions and the model cannot train"),
    ("no-gradients-provided", "自定义损失函数里用了argmax，模型训练不了"),
    ("gradients-do-not-exist", "WARNING gradients do not exist for variables in my custom layer, weights never change"),
    ("gradients-do-not-exist", "训练时出现 Gradients do not exist 警告，部分变量没有梯度"),
    ("unknown-loss-or-metric-name", "ValueError could not interpret loss identifier when I compile with a string"),
    ("unknown-loss-or-metric-name", "compile时loss名称写错了报错 无法解析loss"),
    ("model-input-count-mismatch", "multi input model fit fails: model expects 2 inputs but it received 1 input tensors"),
    ("model-input-count-mismatch", "多输入模型fit的时候报错，不知道怎么传两个输入"),
    ("concatenate-shape-mismatch", "Concatenate layer requires inputs with matching shapes when merging two branches"),
    ("concatenate-shape-mismatch", "两个分支concatenate时形状不匹配报错"),
    ("sequential-add-tensor", "Sequential model.add fails when I add a KerasTensor instead of a layer"),
    ("sequential-add-tensor", "model.add 传入了 Input 张量然后报错"),
    ("feed-value-is-tensor", "feed_dict value is a tensor and sess.run complains"),
    ("feed-value-is-tensor", "sess.run的feed_dict里传入张量就报错"),
    ("compile-metrics-structure", "compile metrics with multiple outputs raises an error in Keras 3"),
    ("compile-metrics-structure", "多输出模型compile的metrics参数报错"),
    ("model-not-built", "model.summary() says this model has not yet been built"),
    ("model-not-built", "调用model.summary()报错说模型还没有build"),
    ("sparse-label-out-of-range", "sparse_categorical_crossentropy loss is nan on the gpu but raises an error on the cpu"),
    ("sparse-label-out-of-range", "用sparse_categorical_crossentropy训练损失一直是nan"),
    ("to-categorical-label-out-of-range", "to_categorical index out of bounds because my labels start from 1"),
    ("to-categorical-label-out-of-range", "to_categorical 转换标签时报错 index 越界"),
    ("target-shape-mismatch", "to_categorical之后标签的维度和输出层不一致"),
    ("target-shape-mismatch", "to_categorical gives the wrong number of classes for my labels"),
    ("target-shape-mismatch", "to_categorical on my test split gives fewer columns than classes"),
    ("target-shape-mismatch", "测试集用to_categorical转换后矩阵的列数和类别数不一致"),
    ("sequential-add-unexpected-keyword", "model.add got an unexpected keyword argument input_shape, misplaced parenthesis?"),
    ("sequential-add-unexpected-keyword", "model.add 报错 got an unexpected keyword argument activation"),
    ("optimizer-unknown-argument", "Adam optimizer argument not recognized: loss, after moving compile parentheses"),
    ("optimizer-unknown-argument", "Adam 优化器 报错 参数 not recognized"),
    ("infinite-dataset-without-steps", "training never ends with dataset.repeat() and no steps_per_epoch"),
    ("infinite-dataset-without-steps", "dataset.repeat()之后训练一直不结束，也没有设置steps"),
    ("generator-validation-without-steps", "fit with a python generator as validation data asks for validation_steps"),
    ("generator-validation-without-steps", "用生成器做验证集时报错要求设置validation_steps"),
    ("layer-multiple-inbound-nodes", "Layer has multiple inbound nodes, hence the notion of layer output is ill-defined"),
    ("layer-multiple-inbound-nodes", "共享层取 output 时报错 multiple inbound nodes"),
    ("unknown-identifier", "activation string not recognized by my Dense layer"),
    ("unknown-identifier", "激活函数名称写错报错 unknown activation"),
    ("unsupported-input-type", "Failed to find data adapter that can handle input of type list of lists"),
    ("unsupported-input-type", "fit 的时候报错 data adapter 无法处理输入"),
    ("batch-size-with-dataset", "The batch_size argument must not be specified for the given input type (tf.data dataset)"),
    ("batch-size-with-dataset", "传入tf.data数据集又设置batch_size后报错"),
    ("tensor-not-iterable", "iterating over tf.Tensor is not allowed inside my loss function"),
    ("tensor-not-iterable", "在自定义loss里用for循环遍历tensor报错"),
    ("layer-called-on-non-tensor", "calling a Keras 2 layer on a numpy array: not a symbolic tensor"),
    ("layer-called-on-non-tensor", "Keras 2 里直接把 numpy 数组传给层调用报错，不是符号张量"),
    ("undefined-last-dimension", "The last dimension of the inputs to Dense should be defined. Found None"),
    ("undefined-last-dimension", "Dense 层的最后一维是 None 报错"),
    ("input-dict-keys-mismatch", "Missing data for input 'image'. You passed a data dictionary with keys"),
    ("input-dict-keys-mismatch", "fit 传字典作为输入，字典的key和输入层名字不匹配"),
    ("target-count-mismatch", "multi output model fit: targets do not match the outputs"),
    ("target-count-mismatch", "多输出模型fit的标签数量和输出数量不一致"),
    ("module-has-no-attribute", "module has no attribute after upgrading keras"),
    ("module-has-no-attribute", "导入后报错 module 没有这个属性"),
    ("duplicate-layer-names", "All layer names should be unique after I concatenate two pretrained models"),
    ("duplicate-layer-names", "两个模型合并之后报错说层名字重复"),
    ("history-used-as-model", "history has no attribute predict after fit"),
    ("history-used-as-model", "fit返回的history没有predict方法"),
    ("tf-function-creates-variables", "tf.function creates variables on every call"),
    ("tf-function-creates-variables", "在tf.function里面创建变量报错"),
    ("fit-inside-tf-function", "Detected a call to Model.fit inside a tf.function"),
    ("fit-inside-tf-function", "在tf.function里调用model.predict报错"),
    ("validation-split-unsupported-input", "validation_split is only supported for Tensors or NumPy arrays, I pass a dataset"),
    ("validation-split-unsupported-input", "validation_split 用在 tf.data 数据集上报错"),
    ("merge-layer-needs-list", "A Concatenate layer should be called on a list of at least 2 inputs"),
    ("merge-layer-needs-list", "concatenate 只传了一个张量，报错需要列表"),
    ("output-rank-mismatch", "Shapes incompatible because I forgot a Flatten layer before Dense"),
    ("output-rank-mismatch", "模型最后没有Flatten，输出是四维，标签是二维"),
    ("layer-never-called", "Sequential model input never called, cannot build a feature extractor"),
    ("layer-never-called", "Sequential模型做特征提取取model.input报错"),
    ("image-directory-empty", "image_dataset_from_directory found 0 files although the folder has images"),
    ("image-directory-empty", "flow_from_directory 读取不到图片"),
    ("class-weight-multi-output", "class_weight with a multi output model fails"),
    ("class-weight-multi-output", "多输出模型使用 class_weight 报错"),
    ("from-generator-signature-mismatch", "tf.data from_generator output_signature shape mismatch with what my generator yields"),
    ("from-generator-signature-mismatch", "from_generator 生成器输出形状和 output_signature 不一致"),
    ("pretrained-model-input-shape", "VGG16 with weights imagenet and include_top=True rejects my input_shape"),
    ("pretrained-model-input-shape", "用imagenet权重的预训练模型，灰度图只有一个通道，要求3通道"),
    ("model-inputs-not-keras-input", "Input tensors to a Functional must come from tf.keras.Input"),
    ("model-inputs-not-keras-input", "构建Model时inputs不是keras Input报错"),
    ("lr-schedule-not-settable", "ReduceLROnPlateau fails: learning rate is not settable with ExponentialDecay schedule"),
    ("lr-schedule-not-settable", "学习率用了ExponentialDecay，再加ReduceLROnPlateau回调就报错"),
    ("none-value-to-tensor", "ValueError: None values not supported in my custom training step"),
    ("none-value-to-tensor", "自定义层里出现None，转换成张量时报错"),
    ("function-signature-mismatch", "input_signature mismatch when calling a tf.function with another shape"),
    ("function-signature-mismatch", "tf.function 的 input_signature 不匹配报错"),
    ("gpu-memory-preallocated", "as soon as the model is built tensorflow occupies all the GPU memory and a second script cannot run"),
    ("gpu-memory-preallocated", "I set allow_growth but it still grabs all of the gpu memory"),
    ("gpu-memory-preallocated", "一运行程序就占用全部显存，别人的程序跑不了"),
    ("gpu-memory-preallocated", "as soon as training starts the GPU memory is full, even for a tiny model"),
    ("gpu-memory-preallocated", "训练的时候GPU显存一下子就被占满了"),
    ("gpu-memory-preallocated", "tensorflow grabs the full graphics memory of the card as soon as it starts"),
    ("gpu-memory-preallocated", "a tiny keras model takes 10GB of gpu memory"),
    ("gpu-not-visible", "set_memory_growth on the first gpu fails with list index out of range"),
    ("gpu-not-visible", "TensorFlow 2.13 on Windows 11 cannot use CUDA at all"),
    ("gpu-not-visible", "upgraded to tensorflow 2.17 on windows 10 and the gpu is never used"),
    ("batch-size-fixed-in-model", "training crashes at the last batch of every epoch unless the number of samples is a multiple of the batch size"),
    ("batch-size-fixed-in-model", "每个epoch最后一个batch报错，样本数不能整除batch_size"),
    ("keras-backend-mismatch", "I set KERAS_BACKEND to jax but keras.backend.backend() still says tensorflow"),
    ("keras-backend-mismatch", "修改了keras.json，但keras后端还是tensorflow"),
    ("stateful-rnn-batch-size", "stateful LSTM needs to know its batch size, what batch_input_shape should I use"),
    ("stateful-rnn-batch-size", "有状态LSTM预测时batch大小不一样就报错"),
    ("subclassed-model-h5", "Cannot save a subclassed model to h5 with model.save"),
    ("subclassed-model-h5", "子类化模型保存为h5文件报错"),
    ("numpy-value-not-json-serializable", "json.dump(history.history) fails because the values are float32"),
    ("numpy-value-not-json-serializable", "把history保存成json时报错，float32不能json序列化"),
    ("data-tuple-format", "validation_data should be a tuple (val_x, val_y) but I passed a list"),
    ("data-tuple-format", "validation_data 传了列表，报错格式不对，必须是元组"),
    ("graph-only-api-in-eager", "K.gradients fails in eager mode in my Grad-CAM code"),
    ("graph-only-api-in-eager", "Grad-CAM代码里K.gradients在tensorflow2中报错"),
    ("optimizer-unknown-variable", "GAN training: the optimizer cannot recognize variable of the discriminator"),
    ("optimizer-unknown-variable", "GAN里两个模型用同一个优化器报错"),
    ("numpy-allow-pickle", "imdb load_data allow_pickle error with a new numpy"),
    ("numpy-allow-pickle", "加载imdb数据集报错 allow_pickle"),
    ("layer-unbuilt-state", "Warning: layer looks like it has unbuilt state after loading my .keras file"),
    ("layer-unbuilt-state", "自定义层没有实现build方法，加载时出现unbuilt state警告"),
    ("op-rank-mismatch", "tf.concat error: Shape must be rank 2 but is rank 3"),
    ("op-rank-mismatch", "tf.concat 拼接时报错 rank 不匹配"),
    ("binary-label-mode-class-count", "label_mode binary with three class folders in image_dataset_from_directory"),
    ("binary-label-mode-class-count", "image_dataset_from_directory 设置 label_mode=binary 但有三个类别文件夹"),
    ("jax-concrete-value-needed", "ConcretizationTypeError with the JAX backend when I call int() on a tensor"),
    ("jax-concrete-value-needed", "jax后端里调用int报错 abstract tracer"),
    ("image-not-loaded", "cv2.resize error (-215:Assertion failed) !ssize.empty() in my image loop"),
    ("image-not-loaded", "cv2.imread返回None，然后resize报错"),
    ("model-not-subscriptable", "Keras Sequential model not subscriptable when taking the first layer"),
    ("model-not-subscriptable", "Sequential 模型不能用下标取层"),
    ("tensor-called-as-function", "Tensor object is not callable in my training loop"),
    ("tensor-called-as-function", "训练循环里报错 tensor 不可调用"),
    ("layer-called-on-layer", "Flatten()(base_model) gives inputs to a layer should be tensors"),
    ("layer-called-on-layer", "把层作为输入传给另一个层，Dense调用另一个层报错"),
    ("sklearn-metrics-on-probabilities", "sklearn confusion_matrix fails on model.predict probabilities"),
    ("sklearn-metrics-on-probabilities", "sklearn的混淆矩阵报错，直接传了predict的概率"),
    ("keras3-eager-disabled", "disable_eager_execution then model.fit fails in Keras 3"),
    ("keras3-eager-disabled", "调用 disable_eager_execution 之后 fit 报错"),
    ("keras-object-attribute-of-another-version", "Functional object has no attribute output_layers after upgrading"),
    ("keras-object-attribute-of-another-version", "升级后 Functional 没有这个属性了"),
    ("h5-file-not-hdf5", "load_model cannot read my h5 file, it is a git LFS pointer"),
    ("h5-file-not-hdf5", "加载 h5 模型报错 file signature not found，文件可能损坏"),
    ("savedmodel-load-keras3", "load_model of a SavedModel directory fails in Keras 3"),
    ("savedmodel-load-keras3", "keras3 用 load_model 加载 savedmodel 文件夹报错"),
    ("tf-checkpoint-load-weights-keras3", "load_weights of cp.ckpt fails in Keras 3"),
    ("tf-checkpoint-load-weights-keras3", "keras3 加载 ckpt 权重失败"),
    ("weights-filename-extension", "save_weights: The filename must end in .weights.h5"),
    ("weights-filename-extension", "keras3 save_weights 文件名后缀报错"),
    ("save-filepath-extension", "Invalid filepath extension for saving when I call model.save('my_model')"),
    ("save-filepath-extension", "model.save 没写后缀报错，要求 .keras"),
    ("checkpoint-filepath-extension", "ModelCheckpoint filepath must end in .keras in Keras 3"),
    ("checkpoint-filepath-extension", "ModelCheckpoint 文件名后缀报错"),
    ("legacy-h5-metric-alias", "Could not deserialize 'keras.metrics.mse' when loading my old h5 model"),
    ("legacy-h5-metric-alias", "keras3 加载旧的 h5 模型报错 mse"),
    ("legacy-hdf5-save-warning", "You are saving your model as an HDF5 file via model.save(), is this legacy warning a problem"),
    ("legacy-hdf5-save-warning", "model.save保存h5时出现legacy警告"),
    ("optimizer-state-not-restored", "Skipping variable loading for optimizer 'adam' after load_model"),
    ("optimizer-state-not-restored", "加载模型后出现优化器警告，优化器状态没有恢复"),
    ("compiled-metrics-not-built", "after load_model a warning says compiled metrics have yet to be built"),
    ("compiled-metrics-not-built", "load_model之后出现compiled metrics的警告"),
    ("h5-duplicate-names", "saving to h5 fails with name already exists"),
    ("h5-duplicate-names", "ModelCheckpoint 保存 h5 时报错 name already exists"),
    # what users see without any message: the family read from the outside, in other words than its phrases
    ("optimizer-state-not-restored", "the loss spikes every time I restart training from my saved checkpoint"),
    ("optimizer-state-not-restored", "加载权重继续训练后loss突然飙升"),
    ("out-of-memory", "my notebook kernel crashed while fitting the model"),
    ("out-of-memory", "训练模型的时候内核总是崩溃"),
    ("cpu-instructions-unsupported", "python crashed right after import tensorflow"),
    ("generator-validation-without-steps", "fit hangs at the end of the first epoch and never starts epoch 2"),
    ("input-not-scaled", "my regression loss is enormous and barely goes down"),
    ("model-from-newer-keras", "a model I trained in colab can't be loaded on my local machine"),
    ("out-of-memory", "the whole process was killed by the system halfway through training"),
    ("gpu-not-visible", "tensorflow only sees my cpu, not the geforce card"),
    ("dataset-download-failed", "keras mnist download timed out behind the company proxy"),
    ("keras2-model-in-keras3", "since I updated tensorflow my saved .h5 model does not load anymore"),
    ("graph-session-mismatch", "calling model.predict fails inside my django view"),
    ("tensorflow-startup-info-logs", "how do I hide all those tensorflow info logs printed at startup"),
    ("numpy2-binary-incompatible", "after I upgraded numpy, tensorflow fails on import"),
    ("protobuf-version-incompatible", "tensorflow import fails after upgrading protobuf"),
    ("numpy2-binary-incompatible", "numpy升级到2.0以后tensorflow报错，好像不兼容"),
    ("keras2-model-in-keras3", "旧版keras训练的模型现在加载失败了"),
    ("input-ran-out-of-data", "第一轮训练完就停止了，后面的epoch都没有跑"),
    ("input-ran-out-of-data", "fit halts after the 1st epoch and the remaining epochs never run"),
    ("legacy-hdf5-save-warning", "把模型保存成h5格式的时候总有一个警告"),
    ("dataset-download-failed", "用keras下载数据集一直失败"),
    ("protobuf-version-incompatible", "tensorflow导入报错，好像是protobuf版本问题"),
    ("gpu-not-visible", "tensorflow检测不到我的显卡"),
    ("graph-session-mismatch", "用flask部署keras模型以后预测就报错"),
    ("tensorflow-startup-info-logs", "tensorflow启动的时候日志太多了，怎么关掉"),
    ("cpu-instructions-unsupported", "一 import tensorflow 就崩溃退出"),
    ("generator-validation-without-steps", "第一个epoch快结束的时候一直卡住不动"),
    ("input-not-scaled", "数据没有做归一化，loss特别大"),
    ("model-from-newer-keras", "在高版本keras保存的模型，低版本加载不了"),
    ("activation-loss-mismatch", "my binary classifier always predicts 1 for every sample"),
    ("activation-loss-mismatch", "我的二分类模型无论输入什么都预测1"),
    ("cuda-libraries-not-found", "tensorflow cannot find cuda, so training falls back to the cpu"),
    ("cuda-libraries-not-found", "服务器上cuda版本是10.1，训练时只用cpu"),
    ("cuda-libraries-not-found", "device_lib shows only XLA_GPU devices instead of a real GPU device"),
    ("cuda-libraries-not-found", "my CUDA version only supports an older tensorflow, so the GPU is never used"),
    ("cuda-libraries-not-found", "tensorflow in WSL2 does not detect my RTX card although nvidia-smi shows it"),
    ("cuda-libraries-not-found", "在WSL2里装的tensorflow识别不到显卡"),
    ("cuda-libraries-not-found", "after pip install tensorflow keeps looking for the CUDA 11 libraries but I have CUDA 12"),
    ("cuda-libraries-not-found", "tensorflow 2.6 on Windows 10 cannot find my GPU after installing CUDA"),
    ("cuda-libraries-not-found", "windows上装的tensorflow 2.5找不到gpu"),
    ("learning-rate-extreme", "learning rate too high and the loss goes to nan"),
    ("learning-rate-extreme", "学习率设置过高，loss越来越大最后变成nan"),
    ("rnn-cudnn-kernel-fallback", "LSTM training is very slow on the GPU since I added recurrent_dropout"),
    ("rnn-cudnn-kernel-fallback", "加了recurrent_dropout以后lstm在gpu上训练很慢"),
    ("no-tensorflow-wheel-for-python", "cannot install tensorflow with python 3.13 on windows"),
    ("no-tensorflow-wheel-for-python", "python 3.13 安装 tensorflow 失败"),
    ("gpu-not-visible", "my GPU is not working with tensorflow, everything runs on the CPU"),
    ("gpu-not-visible", "tensorflow训练时没有用到显卡"),
    ("input-not-scaled", "forgot to divide the pixels by 255 before fit"),
    ("inference-preprocessing-mismatch", "the predictions are wrong because the images were not normalized at prediction time"),
    ("inference-preprocessing-mismatch", "my test photos are not rescaled the way the training images were, so every one gets the same class"),
    ("inference-preprocessing-mismatch", "my saved text model predicts garbage in a new session because the word index comes out in a different order"),
    ("inference-preprocessing-mismatch", "predictions are wrong since the preprocessing at inference is not the one used in training"),
    ("inference-preprocessing-mismatch", "for prediction my inputs are scaled to another range than in training"),
    ("gpu-not-visible", "tf.test.is_built_with_cuda() returns False although CUDA is installed"),
    ("gpu-not-visible", "tensorflow 2.13 on windows 10 does not detect the graphics card at all"),
    ("gpu-not-visible", "I just cannot get keras to detect my gpu"),
    ("gpu-not-visible", "tensorflow is unable to recognize my nvidia gpu"),
    ("overfitting", "the training accuracy climbs every epoch while the validation accuracy fluctuates"),
    ("overfitting", "训练集准确率不断上升，验证集准确率来回波动"),
    ("inference-preprocessing-mismatch", "once I load the model in my app it always returns the same prediction"),
    ("learning-rate-extreme", "the training loss oscillates up and down and never converges"),
    ("learning-rate-extreme", "the loss fluctuates a lot from one epoch to the next"),
    ("nan-in-input-data", "when I train on my own dataset the loss is nan from the first batch"),
    ("learning-rate-extreme", "the training loss does not decrease at all, it stays at the same value after the first epoch"),
    ("learning-rate-extreme", "训练时loss一直不下降，第一轮之后就是同一个值"),
    ("input-not-scaled", "my model is not learning anything from the raw sensor features"),
    ("input-not-scaled", "the model does not converge on my tabular data, accuracy stays at chance"),
    ("input-not-scaled", "模型不收敛，训练了很多轮准确率还是很低"),
    ("input-not-scaled", "图片输入前没有除以255"),
    ("keras-tensorflow-version-mismatch", "keras version incompatible with my tensorflow after pip upgrade"),
    ("keras-tensorflow-version-mismatch", "keras和tensorflow的版本冲突了"),
    ("tf1-api-in-tf2", "tf.placeholder error in tensorflow 2 with old code"),
    ("tf1-api-in-tf2", "tensorflow2里没有placeholder了"),
    # a number in a post is not a version unless it follows the library's name
    ("tf1-api-in-tf2", "my tf 1.x code with np.array([1, 2, 3]) fails on tf 2"),
    ("out-of-memory", "ResourceExhausted when I increase the batch size to 64"),
    ("out-of-memory", "memory errors when I fit models with a huge batch size or large images"),
    ("dataset-download-failed", "mnist.load_data() hangs forever"),
    ("dataset-download-failed", "getting a connection error every time keras tries to fetch the mnist files"),
    ("dataset-download-failed", "how do I make load_data go through our office proxy"),
    ("dataset-download-failed", "the library fails with an error while the pretrained model is being downloaded"),
    ("dataset-download-failed", "第一次运行时预训练模型下载失败"),
    ("input-ran-out-of-data", "fit complains my input is out of data halfway through an epoch"),
    ("activation-loss-mismatch", "is softmax on the last layer right with binary_crossentropy? the model learns nothing"),
    ("keras-tensorflow-version-mismatch", "which keras version is compatible with tensorflow 1.15?"),
    ("image-directory-empty", "image_dataset_from_directory finds 0 images in my folder"),
    # Chinese descriptions: "OOM" as users write it, Traditional script, translated Keras messages
    ("out-of-memory", "训练的时候报OOM，显卡是2080ti"),
    ("out-of-memory", "batch_size调大就OOM"),
    # ResourceExhausted as Chinese users translate it, and "a version problem" of TensorFlow and Keras
    ("out-of-memory", "换了更大的模型以后训练时一直提示资源耗尽"),
    ("keras-tensorflow-version-mismatch", "怀疑是tensorflow和keras的版本问题，换了几个版本都跑不起来"),
    # batch_size / batchsize as users type the argument, "以.keras结尾" for the extension, "需要安装" for a missing package
    ("out-of-memory", "batchsize设大一点就报内存错误"),
    ("save-filepath-extension", "model.save 报错，说文件名必须以 .keras 结尾"),
    ("tf-keras-not-installed", "运行时提示需要安装 tf_keras"),
    ("model-not-compiled", "没有compile模型就直接调用fit了"),
    ("save-filepath-extension", "model.save complains that the file name needs the .keras extension"),
    ("tf-keras-not-installed", "the library says I need to install tf_keras first"),
    ("model-not-compiled", "I forgot to compile the model before calling fit"),
    # 独显 is a GPU, 大于 exceeds, 只 is only
    ("gpu-not-visible", "电脑有独显，可是tensorflow只用cpu训练"),
    ("sparse-label-out-of-range", "标签的值大于类别数，训练一开始就报错"),
    ("sparse-label-out-of-range", "training fails because a label value is greater than the number of classes"),
    # 代码/脚本 is code, 升级 an upgrade
    ("tf1-api-in-tf2", "以前用tf1写的代码放到tf2里就跑不起来了"),
    ("keras-tensorflow-version-mismatch", "升级了tensorflow之后import keras就报错"),
    ("gpu-not-visible", "安装了tensorflow-gpu但是还是用cpu跑"),
    ("gpu-not-visible", "怎么开启gpu训练"),
    ("weights-layer-count-mismatch", "尝试将包含10个层的权重文件加载到只有8个层的模型中"),
    ("weights-layer-count-mismatch", "You are trying to load a weight file with more layers into a model with fewer layers"),
    ("data-file-not-found", "训练时报错无法找到图片，应该是图片路径的问题"),
    ("data-file-not-found", "tf.data pipeline fails: file not found, NewRandomAccessFile failed"),
    ("activation-loss-mismatch", "二分類模型的loss一直為0"),
    ("activation-loss-mismatch", "my binary classifier loss is always 0 with one softmax output"),
    ("class-imbalance", "资料不平衡，模型只会预测同一类"),
    ("class-imbalance", "imbalanced classes, my model predicts only the majority class"),
    ("numpy-removed-aliases", "numpy 升级以后 np.float 报错"),
    ("numpy-removed-aliases", "module numpy has no attribute float after upgrading numpy"),
    ("tensorflow-not-installed", "ModuleNotFoundError，没有名为 tensorflow 的模块"),
    ("tensorflow-not-installed", "no module named tensorflow although I installed it"),
    ("graph-disconnected", "图断开连接：无法获取张量的值"),
    ("graph-disconnected", "graph disconnected when building a model with two inputs"),
    ("input-rank-mismatch", "检查输入时出错：期望 conv2d_input 有 4 个维度，但得到形状为 (60000, 28, 28) 的数组"),
    ("input-rank-mismatch", "predict on a single image: missing batch dimension"),
    ("empty-training-data", "训练集是空的，没有读到数据"),
    ("empty-training-data", "empty dataset training error after filtering"),
    ("name-not-defined", "报错说变量未定义"),
    ("name-not-defined", "name is not defined error in my training script"),
    ("inference-preprocessing-mismatch", "训练准确率很高，但是用自己的图片预测全错"),
    ("inference-preprocessing-mismatch", "high accuracy but wrong predictions on new images"),
    ("tensor-as-bool", "不允许把张量当作 Python bool 使用"),
    ("tensor-as-bool", "using a tensor as a python bool is not allowed in my if statement"),
    ("model-not-compiled", "提示必须在训练之前编译模型"),
    ("model-not-compiled", "forgot to compile model before training"),
    ("unknown-loss-or-metric-name", "未知的损失函数名称"),
    ("multi-gpu-model-removed", "multi_gpu_model 在新版本里用不了了"),
    ("multi-gpu-model-removed", "cannot import multi_gpu_model in tensorflow 2.4"),
    ("nan-in-input-data", "数据里面有缺失值 nan 导致 loss 为 nan"),
    ("nan-in-input-data", "nan values in training data make the loss nan"),
    ("overfitting", "验证集loss不降反升"),
    ("overfitting", "训练集和验证集的准确率差距很大，训练集快到100%"),
    ("overfitting", "big gap between training and validation accuracy after a few epochs"),
    ("overfitting", "这不是过拟合了吗，验证集一直上不去"),
    ("out-of-memory", "训练跑到一半进程被杀死了，没有任何报错"),
    ("keras2-model-in-keras3", "以前用旧版本保存的模型现在加载报错"),
    ("overfitting", "validation loss increasing while training loss decreasing"),
    ("gpu-not-visible", "My training does not seem to run on the GPU, nvidia-smi shows the memory allocated but nothing computes"),
    ("gpu-not-visible", "the model is not training on the GPU at all"),
    ("gpu-not-visible", "模型训练的时候好像没有在GPU上运行"),
    ("class-imbalance", "my classifier always predicts the same class for the whole validation set"),
    ("class-imbalance", "验证集上模型总是预测同一个类别"),
    ("accuracy-metric-on-regression", "the loss keeps decreasing but accuracy is always 1.0 every epoch"),
    ("accuracy-metric-on-regression", "loss一直在下降，但是准确率一直是1.0"),
    ("learning-rate-extreme", "after a few hundred steps all the model parameters become nan"),
    ("learning-rate-extreme", "训练几步之后网络参数全部变成nan"),
    ("learning-rate-extreme", "my weights are nan, and the loss prints nan"),
    ("learning-rate-extreme", "权重是nan，loss打印出来也是nan"),
    # "returns" is said of what a model outputs: the single softmax unit that always gives 1
    ("activation-loss-mismatch", "my text classifier always returns 1, whatever sentence I give it"),
    # a log of a prediction that reaches 0 in a hand-written loss
    ("nan-loss", "NaN from the log in my focal loss, do I need to add an epsilon?"),
    ("nan-loss", "自定义损失函数里 log 导致 nan"),
    # the test split is held out as the validation split is
    ("overfitting", "test accuracy is far lower than the training accuracy"),
    ("overfitting", "测试集loss一直上升"),
    # how well or badly it does, said of each split
    ("overfitting", "my model performs well on training data but poorly on test data"),
    ("overfitting", "训练集上效果很好，验证集上很差"),
    # predictions and labels read from two passes over data that changes order
    ("predictions-out-of-order", "predict_generator returns predictions in a different order than my filenames"),
    ("predictions-out-of-order", "flow_from_directory with shuffle, then predict: results do not match the classes"),
    ("predictions-out-of-order", "使用predict_generator预测的结果顺序和标签不一致"),
    ("class-imbalance", "my classifier ignores the minority class completely"),
    ("class-imbalance", "the model only predicts the most frequent class"),
    ("nan-in-input-data", "my dataset has some NaN values and now the loss is nan"),
    # the data denied, the loss is what turns nan
    ("nan-loss", "there are no NaN values in my data, but the loss still turns into nan"),
    ("overfitting", "the network just memorizes the training set"),
    ("overfitting", "validation accuracy stays flat while training accuracy keeps going up"),
    ("input-not-scaled", "the loss is extremely high and not decreasing"),
    ("class-imbalance", "模型完全忽略了少数类"),
    ("class-imbalance", "my segmentation network predicts everything as background"),
    ("class-imbalance", "most of my samples are class 0 and the model predicts everything as 0, the majority wins"),
    ("class-imbalance", "分割网络训练后预测全是背景"),
    # 只有 before a number says the level is low ("准确率只有60%")
    ("overfitting", "训练集上准确率很高，验证集准确率却只有六成"),
    ("class-imbalance", "正负样本比例相差很大，模型把所有样本都预测成负样本"),
    ("class-imbalance", "正样本太少，二分类模型全预测为0"),
    ("class-imbalance", "正负样本数量差了好几个数量级"),
    ("class-imbalance", "the positive samples are too few, my model never predicts them"),
    # a training loss that rises is no overfitting: the steps overshoot
    ("learning-rate-extreme", "my training loss goes up every epoch instead of going down"),
    # "multiple outputs" is one keyword, not the "multi" of a multi-label problem beside any output
    ("target-count-mismatch", "fit on a model with multiple outputs: the targets do not match them"),
    # the str-has-no-decode message retold in Chinese (h5py 3 under an old Keras HDF5 loader)
    ("h5py3-str-decode", "加载模型时报错 str 对象没有 decode 属性"),
    ("h5py3-str-decode", "跑预测脚本报错，说 str 不能解码 decode"),
    ("h5py3-str-decode", "loading my old h5 model fails until I downgrade h5py to 2.10"),
    # a level said in Chinese (很高 / 很低) is the high / low of the English phrases
    ("gpu-not-visible", "训练时GPU利用率很低"),
    ("gpu-memory-preallocated", "tensorflow一启动显存占用就很高"),
    ("learning-rate-extreme", "学习率设置得很高，loss变成了nan"),
    ("overfitting", "验证集的准确率比训练集低了二十个点"),
    ("keras2-model-in-keras3", "用keras3加载keras2保存的模型报错"),
    ("numpy2-binary-incompatible", "升级numpy后导入tensorflow报错"),
    ("numpy-removed-aliases", "新版numpy里np.float被移除了"),
    ("numpy-removed-aliases", "np.int was removed in numpy 1.24"),
    ("nan-in-input-data", "数据里有nan"),
    # a misspelt name (写错, 拼错, typo) of an optimizer or activation, or of a loss or metric
    ("unknown-identifier", "优化器名字写错了，提示找不到"),
    ("unknown-identifier", "I misspelled the optimizer name in compile"),
    ("unknown-loss-or-metric-name", "compile里loss的名字写错了"),
    ("unknown-loss-or-metric-name", "typo in the loss name passed to compile"),
    ("graph-disconnected", "函数式模型的输入和输出没有连起来"),
    ("graph-disconnected", "the model outputs are not connected to the inputs I passed to Model()"),
    ("optimizer-decay-argument", "新版优化器不支持decay参数"),
    ("optimizer-decay-argument", "the decay argument of Adam is no longer supported"),
    ("gpu-memory-preallocated", "tensorflow一运行就把显存全部占满了"),
    ("out-of-memory", "训练时显存全部用完了"),
    # reserving the GPU's memory, said as controlling or limiting it, or as growing it on demand
    ("gpu-memory-preallocated", "tf2里要怎么控制显存的使用？"),
    ("gpu-memory-preallocated", "调用K.clear_session()之后显存还是没有释放"),
    ("gpu-memory-preallocated", "clear_session does not release the gpu memory, only restarting the kernel does"),
    ("gpu-memory-preallocated", "程序一启动GPU就被占满了，别的任务跑不了"),
    # a message as a translated question title says it (渐变 is a machine translation's gradient)
    ("no-gradients-provided", "自定义训练循环报错，说没有为任何变量提供梯度"),
    ("no-gradients-provided", "模型训练时出现：没有为任何变量提供渐变"),
    ("negative-dimension-size", "加了一层池化以后报负维度大小的错误"),
    ("negative-dimension-size", "adding another pooling layer gives a negative dimension size error on my small images"),
]


@pytest.mark.parametrize(("family", "sentence"), DESCRIBED)
def test_a_described_symptom_names_its_family(family: str, sentence: str) -> None:
    matches = explain(sentence, versions={}).matches
    assert matches, f"no family for {sentence!r}"
    best = matches[0]
    # a description that quotes the start of the message ("... says this model has not yet been built"), or
    # the message with a few words left out, may instead be read as that message cut short or retyped: a near
    # match, never a certain one
    quoted_start = best.kind == "fuzzy" and any("stops inside" in note or "words left out" in note for note in best.notes)
    # one that quotes the message itself ("ValueError: None values not supported in my ...") fits its wording, below certainty
    quoted_wording = best.kind == "wording" and best.confidence < CONFIDENT
    assert best.rule.name == family and (best.kind == "symptom" or quoted_start or quoted_wording), [(m.rule.name, m.kind, m.confidence) for m in matches[:3]]
    assert best.confidence <= KIND_CAPS[best.kind]
    # a tie would be settled by rule id, not by the description: the family must be strictly first
    assert all(m.confidence < best.confidence for m in matches[1:] if m.kind == "symptom")


def test_every_family_is_described_in_both_languages() -> None:
    languages = {(family, any("\u4e00" <= ch <= "\u9fff" for ch in sentence)) for family, sentence in DESCRIBED}
    families = {family for family, _ in DESCRIBED}
    assert languages == {(family, chinese) for family in families for chinese in (False, True)}


@pytest.mark.parametrize(
    ("family", "sentence"),
    [
        # Colab's notice, quoted in a question: the runtime ran out of host RAM
        ("out-of-memory", "Your session crashed after using all available RAM while training my model"),
        # TensorFlow's loader line retold without the quotes around the library
        ("cuda-libraries-not-found", "Could not load dynamic library libcudart.so.11.0 when importing tensorflow"),
    ],
)
def test_a_message_retold_in_a_sentence_is_its_wording_below_certainty(family: str, sentence: str) -> None:
    best = explain(sentence, versions={}).matches[0]
    assert (best.rule.name, best.kind) == (family, "wording")
    assert best.confidence < 0.8


def test_among_fitting_phrases_the_family_sharing_more_of_the_text_comes_first() -> None:
    # "training runs on the CPU instead of the GPU" fits gpu-not-visible's phrases as well as the
    # missing CUDA library's; the rest of the text (cudart64_110.dll cannot be loaded) is the latter's
    from kerasdoctor.explain import fallback

    text = "TensorFlow cannot load cudart64_110.dll so training runs on the CPU instead of the GPU"
    matches = explain(text, versions={}).matches
    assert [m.kind for m in matches[:2]] == ["symptom", "symptom"]
    assert matches[0].rule.name == "cuda-libraries-not-found"
    # only lowered, never raised: the family sharing most keeps the confidence its phrase gave it
    weight = fallback.WHOLE_TEXT_WEIGHT
    try:
        fallback.WHOLE_TEXT_WEIGHT = 0.0
        unweighed = {m.rule.name: m.confidence for m in explain(text, versions={}).matches}
    finally:
        fallback.WHOLE_TEXT_WEIGHT = weight
    assert all(m.confidence <= unweighed[m.rule.name] for m in matches if m.kind == "symptom")
    assert max(unweighed, key=lambda name: unweighed[name]) != "cuda-libraries-not-found"


@pytest.mark.parametrize(
    "sentence",
    [
        # "multiple times" and an input elsewhere, "multi-label" and what a model returns: no multi-input or
        # multi-output model, whose words stand in a row
        "I trained the model multiple times and the input order changed",
        "the multi-label model returns a binary accuracy of 90% but the per-class precision is 40%",
    ],
)
def test_multi_said_of_something_else_is_no_multi_input_or_output_model(sentence: str) -> None:
    named = {m.rule.name for m in explain(sentence, versions={}).matches if m.kind == "symptom"}
    assert not named & {"model-input-count-mismatch", "target-count-mismatch", "compile-metrics-structure"}
